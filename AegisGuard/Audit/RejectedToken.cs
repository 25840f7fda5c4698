using Microsoft.IdentityModel.JsonWebTokens;

namespace AegisGuard.Audit;

/// <summary>
/// Why a session token that failed validation failed, for the audit entry: malformed, expired (by its own, unverified,
/// exp claim), or invalid (signature, issuer or audience do not check out while it claims to be current).
/// </summary>
public static class RejectedToken
{
    public const string Malformed = "token_malformed";
    public const string Expired = "token_expired";
    public const string Invalid = "token_invalid";
    public const string SessionEnded = "session_ended";

    public static string Classify(string token, DateTime now)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return jwt.ValidTo != DateTime.MinValue && jwt.ValidTo < now ? Expired : Invalid;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or System.Text.Json.JsonException)
        {
            return Malformed;
        }
    }
}
