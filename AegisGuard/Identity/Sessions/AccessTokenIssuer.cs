using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using AegisGuard.Storage.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Issues and checks the short-lived access JWTs (HS256). The signing key is generated at first start, stored in
/// meta.db encrypted with the Data Protection key ring, and shared by every process on the data directory.
/// Lifetimes are checked against <see cref="TimeProvider"/> so tests can move time.
/// </summary>
public sealed class AccessTokenIssuer
{
    public const string SchemeName = "Session";
    private const string Issuer = "aegisguard";
    private const string Audience = "aegisguard-web";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Lazy<SymmetricSecurityKey> key;
    private readonly TimeProvider time;
    private readonly IOptions<SecurityOptions> options;

    public AccessTokenIssuer(MetadataStore store, SecretProtector protector, TimeProvider time, IOptions<SecurityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(protector);
        this.time = time;
        this.options = options;
        key = new Lazy<SymmetricSecurityKey>(() =>
        {
            string stored = store.GetOrCreateSecret("session_signing_key", () => protector.ProtectSigningKey(RandomNumberGenerator.GetBytes(32)));
            return new SymmetricSecurityKey(protector.UnprotectSigningKey(stored));
        });
    }

    /// <summary>A signed token for <paramref name="grant"/> and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(SessionGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var now = time.GetUtcNow();
        var expires = now + options.Value.AccessTokenLifetime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = grant.UserId.ToString(CultureInfo.InvariantCulture),
            ["email"] = grant.Email,
            ["org"] = grant.OrgId.ToString(CultureInfo.InvariantCulture),
            ["org_slug"] = grant.OrgSlug,
            ["role"] = grant.Role,
            ["sid"] = grant.FamilyId,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (grant.Restriction is not null)
        {
            claims["rst"] = grant.Restriction;
        }

        string token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key.Value, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    /// <summary>The grant of a valid, unexpired token, or null.</summary>
    public async Task<SessionGrant?> ValidateAsync(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 8192)
        {
            return null;
        }

        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = key.Value,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is not null && now < expires.Value + ClockSkew && (notBefore is null || now + ClockSkew >= notBefore.Value);
            },
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        try
        {
            return new SessionGrant(
                long.Parse(jwt.GetPayloadValue<string>("sub"), CultureInfo.InvariantCulture),
                jwt.GetPayloadValue<string>("email"),
                int.Parse(jwt.GetPayloadValue<string>("org"), CultureInfo.InvariantCulture),
                jwt.GetPayloadValue<string>("org_slug"),
                jwt.GetPayloadValue<string>("role"),
                jwt.GetPayloadValue<string>("sid"),
                jwt.TryGetPayloadValue("rst", out string restriction) ? restriction : null);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>The principal a grant stands for: user, org, role and (when set) restriction claims.</summary>
    public static ClaimsPrincipal ToPrincipal(SessionGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        string userId = grant.UserId.ToString(CultureInfo.InvariantCulture);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, userId), // antiforgery tokens are bound to this, so it must stay stable
            new(AegisClaims.UserId, userId),
            new(ClaimTypes.Email, grant.Email),
            new(ClaimTypes.Name, grant.Email),
            new(AegisClaims.OrgId, grant.OrgId.ToString(CultureInfo.InvariantCulture)),
            new(AegisClaims.OrgSlug, grant.OrgSlug),
            new(AegisClaims.Role, grant.Role),
            new(AegisClaims.SessionId, grant.FamilyId),
        };
        if (grant.Restriction is not null)
        {
            claims.Add(new Claim(AegisClaims.Restriction, grant.Restriction));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, AegisClaims.Role));
    }
}
