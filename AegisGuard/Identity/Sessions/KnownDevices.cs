using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Device cookies (OWASP "Slow down online guessing attacks with device cookies"): after a successful sign-in the
/// browser gets <see cref="CookieName"/>, httpOnly and SameSite=Strict, holding the account's e-mail, a random device
/// id and its issue time, encrypted and authenticated with the Data Protection key ring. Presented with a sign-in for
/// that same account, it lets the browser past the account's throttles (<see cref="LoginThrottle"/>), so someone
/// guessing from elsewhere cannot lock the owner out. Every successful sign-in issues a fresh one. It grants nothing
/// by itself: the password (and MFA) are still checked, and a device that fails too often loses its pass.
/// </summary>
public sealed class KnownDevices(IDataProtectionProvider provider, TimeProvider time, IOptions<SecurityOptions> options)
{
    public const string CookieName = "aegis_device";

    private readonly IDataProtector protector = provider.CreateProtector("AegisGuard.Identity.Sessions.KnownDevices");

    /// <summary>The device id when the request carries a valid, unexpired device cookie for <paramref name="email"/>; otherwise null.</summary>
    public string? DeviceFor(HttpContext http, string email)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!http.Request.Cookies.TryGetValue(CookieName, out string? value) || string.IsNullOrEmpty(value) || value.Length > 2048)
        {
            return null;
        }

        try
        {
            var device = JsonSerializer.Deserialize<DeviceCookie>(protector.Unprotect(value));
            if (device is null || !string.Equals(device.Email, email, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var issued = DateTimeOffset.FromUnixTimeSeconds(device.IssuedAt);
            return issued + options.Value.DeviceCookieLifetime > time.GetUtcNow() ? device.Id : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Marks this browser as a known device of <paramref name="email"/> (a new device id each time).</summary>
    public void Remember(HttpContext http, string email)
    {
        ArgumentNullException.ThrowIfNull(http);
        var now = time.GetUtcNow();
        var device = new DeviceCookie(email.ToLowerInvariant(), WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)), now.ToUnixTimeSeconds());
        http.Response.Cookies.Append(CookieName, protector.Protect(JsonSerializer.Serialize(device)),
            SessionCookies.Options(http, now + options.Value.DeviceCookieLifetime));
    }

    private sealed record DeviceCookie(string Email, string Id, long IssuedAt);
}
