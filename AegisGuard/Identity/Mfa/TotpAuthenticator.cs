using OtpNet;
using QRCoder;

namespace AegisGuard.Identity.Mfa;

/// <summary>
/// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) as every authenticator app implements it. A code is accepted one step
/// either side of now for clock drift; the caller records the matched step so the same code cannot be used twice.
/// </summary>
public sealed class TotpAuthenticator(TimeProvider time)
{
    public const string Issuer = "AegisGuard";
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    /// <summary>A new random 160-bit secret, Base32 as apps expect it.</summary>
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The otpauth:// URI an app scans.</summary>
    public static string OtpAuthUri(string secret, string account) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>The URI as an SVG QR code, rendered here (no external service ever sees the secret).</summary>
    public static string QrSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    /// <summary>The time step <paramref name="code"/> matches for <paramref name="secret"/>, or null.</summary>
    public long? Match(string secret, string? code)
    {
        code = code?.Replace(" ", string.Empty, StringComparison.Ordinal).Trim();
        if (string.IsNullOrEmpty(code) || code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        byte[] key;
        try
        {
            key = Base32Encoding.ToBytes(secret);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var totp = new Totp(key);
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out long step, Window) ? step : null;
    }
}
