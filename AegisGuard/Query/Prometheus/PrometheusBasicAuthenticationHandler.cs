using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Identity.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AegisGuard.Query.Prometheus;

/// <summary>
/// HTTP Basic with an API key (user = key id, password = secret): what Grafana's Prometheus data source sends. The key
/// is verified exactly as <see cref="ApiKeyAuthenticationHandler"/> verifies a Bearer key, and the principal it gives is
/// the same (org and scopes of the key), so a key reads only its own org's telemetry and only with the read scope.
/// </summary>
public sealed class PrometheusBasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    RefusalAudit refusals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKeyBasic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            refusals.Note(Context, AuditActions.ApiKeyRejected, "malformed_basic", orgId: null, actor: "anonymous");
            return Task.FromResult(AuthenticateResult.Fail("malformed basic credentials"));
        }

        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            refusals.Note(Context, AuditActions.ApiKeyRejected, "malformed_basic", orgId: null, actor: "anonymous");
            return Task.FromResult(AuthenticateResult.Fail("malformed basic credentials"));
        }

        string keyId = decoded[..colon];
        var key = keys.Resolve(keyId);
        if (key is null || key.Revoked || !key.VerifySecret(decoded[(colon + 1)..], TimeProvider.GetUtcNow().UtcDateTime))
        {
            refusals.Note(Context, AuditActions.ApiKeyRejected, key is null ? "unknown_key" : key.Revoked ? "revoked_key" : "wrong_secret", key?.OrgId, key?.Id ?? keyId);
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

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"AegisGuard\"";
        return PrometheusJson.WriteErrorAsync(Response, StatusCodes.Status401Unauthorized, "unauthorized",
            "Send HTTP Basic credentials (user = API key id, password = its secret) of an active key with the read scope.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        refusals.Note(Context, AuditActions.AccessDenied, "key_lacks_scope", Context.User.GetOrgId());
        return PrometheusJson.WriteErrorAsync(Response, StatusCodes.Status403Forbidden, "forbidden", "This API key lacks the read scope.");
    }
}
