using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace AegisGuard.Pages.Account;

/// <summary>
/// A sign-in waiting for its MFA code. <see cref="Identity.Sessions.LoginService"/> checks password and code together
/// (one rule for the API and the page), so the code step must send the password again without the page ever holding
/// it: the e-mail and password travel in the code step's hidden field encrypted and authenticated with the Data
/// Protection key ring, and expire after <see cref="Lifetime"/>. Wrong codes still count towards the account lockout.
/// </summary>
public sealed class PendingSignIn(IDataProtectionProvider provider, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ITimeLimitedDataProtector protector =
        provider.CreateProtector("AegisGuard.Pages.Account.PendingSignIn").ToTimeLimitedDataProtector();

    /// <summary>The opaque token for the code step's form.</summary>
    public string Protect(string email, string password) =>
        protector.Protect(JsonSerializer.Serialize(new[] { email, password }), time.GetUtcNow() + Lifetime);

    /// <summary>The credentials of a token this appliance issued that has not expired; false otherwise.</summary>
    public bool TryRead(string? token, out string email, out string password)
    {
        (email, password) = (string.Empty, string.Empty);
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            return false;
        }

        try
        {
            string[]? parts = JsonSerializer.Deserialize<string[]>(protector.Unprotect(token));
            if (parts is not [var e, var p])
            {
                return false;
            }

            (email, password) = (e, p);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return false;
        }
    }
}
