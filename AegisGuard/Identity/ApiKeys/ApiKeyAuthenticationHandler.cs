using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
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
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string token = header["Bearer ".Length..].Trim();
        int dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1)
        {
            return Task.FromResult(AuthenticateResult.Fail("malformed bearer token"));
        }

        var key = keys.Resolve(token[..dot]);
        if (key is null || key.Revoked || !key.VerifySecret(token[(dot + 1)..], TimeProvider.GetUtcNow().UtcDateTime))
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid API key"));
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
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
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
        await IdentityProblems.WriteAsync(Context, problems, new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Forbidden",
            Detail = "This API key lacks the scope this endpoint needs.",
        });
    }
}
