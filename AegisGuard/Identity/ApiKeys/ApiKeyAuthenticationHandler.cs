using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AegisGuard.Audit;
using AegisGuard.Identity.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.ApiKeys;

/// <summary>
/// <c>Authorization: Bearer &lt;key id&gt;.&lt;secret&gt;</c> for the read APIs. Any failure (unknown, revoked,
/// wrong secret, malformed) gets the same 401 problem so the answer reveals nothing about which it was.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    IProblemDetailsService problems,
    RefusalAudit refusals,
    AccessTokenIssuer tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string token = header["Bearer ".Length..].Trim();
        if (token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2)
        {
            // A JWT as bearer: session tokens only travel in their cookie, so even a valid one is refused here.
            string reason = await tokens.ValidateAsync(token) is null ? RejectedToken.Classify(token, TimeProvider.GetUtcNow().UtcDateTime) : "session_token_as_bearer";
            refusals.Note(Context, AuditActions.TokenRejected, reason, orgId: null, actor: "anonymous");
            return AuthenticateResult.Fail("a session token is not an API key");
        }

        int dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1)
        {
            refusals.Note(Context, AuditActions.ApiKeyRejected, "malformed_bearer", orgId: null, actor: "anonymous");
            return AuthenticateResult.Fail("malformed bearer token");
        }

        var key = keys.Resolve(token[..dot]);
        if (key is null || key.Revoked || !key.VerifySecret(token[(dot + 1)..], TimeProvider.GetUtcNow().UtcDateTime))
        {
            if (key is null)
            {
                refusals.Note(Context, AuditActions.ApiKeyRejected, "unknown_key", orgId: null, actor: token[..dot]);
            }
            else
            {
                refusals.Note(Context, AuditActions.ApiKeyRejected, key.Revoked ? "revoked_key" : "wrong_secret", key.OrgId, key.Id);
            }

            return AuthenticateResult.Fail("invalid API key");
        }

        keys.NoteUse(key);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id),
            new(AegisClaims.KeyId, key.Id),
            new(AegisClaims.OrgId, key.OrgId.ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(key.Scopes.Select(scope => new Claim(AegisClaims.Scope, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await IdentityProblems.WriteAsync(Context, problems, new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Detail = "Send Authorization: Bearer <key id>.<secret> of an active API key with the read scope.",
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Context.User.FindFirst(AegisClaims.OrgId) is not null)
        {
            refusals.Note(Context, AuditActions.AccessDenied, "key_lacks_scope", Context.User.GetOrgId());
        }

        await IdentityProblems.WriteAsync(Context, problems, new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Forbidden",
            Detail = "This API key lacks the scope this endpoint needs.",
        });
    }
}
