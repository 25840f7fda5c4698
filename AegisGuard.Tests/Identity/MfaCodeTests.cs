using AegisGuard.Identity.Mfa;
using AegisGuard.Tests.Identity.Support;
using OtpNet;

namespace AegisGuard.Tests.Identity;

/// <summary>TOTP matching (drift window, steps for replay protection) and recovery codes.</summary>
public sealed class MfaCodeTests
{
    private static readonly DateTimeOffset Now = new(2025, 10, 31, 10, 0, 15, TimeSpan.Zero);

    [Fact]
    public void A_current_code_matches_and_names_its_time_step()
    {
        string secret = TotpAuthenticator.NewSecret();
        var authenticator = new TotpAuthenticator(new FixedTime(Now));
        string code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(Now.UtcDateTime);

        Assert.Equal(Now.ToUnixTimeSeconds() / 30, authenticator.Match(secret, code));
        Assert.Equal(Now.ToUnixTimeSeconds() / 30, authenticator.Match(secret, code[..3] + " " + code[3..]));
    }

    [Fact]
    public void Codes_one_step_away_match_and_older_ones_do_not()
    {
        string secret = TotpAuthenticator.NewSecret();
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var authenticator = new TotpAuthenticator(new FixedTime(Now));

        Assert.NotNull(authenticator.Match(secret, totp.ComputeTotp(Now.UtcDateTime.AddSeconds(-30))));
        Assert.NotNull(authenticator.Match(secret, totp.ComputeTotp(Now.UtcDateTime.AddSeconds(30))));
        Assert.Null(authenticator.Match(secret, totp.ComputeTotp(Now.UtcDateTime.AddSeconds(-95))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("abcdef")]
    [InlineData("1234567")]
    public void Malformed_codes_never_match(string? code) =>
        Assert.Null(new TotpAuthenticator(new FixedTime(Now)).Match(TotpAuthenticator.NewSecret(), code));

    [Fact]
    public void The_enrolment_uri_and_qr_code_carry_the_secret_for_authenticator_apps()
    {
        string uri = TotpAuthenticator.OtpAuthUri("JBSWY3DPEHPK3PXP", "alice@example.com");
        Assert.Equal("otpauth://totp/AegisGuard:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=AegisGuard&algorithm=SHA1&digits=6&period=30", uri);
        string svg = TotpAuthenticator.QrSvg(uri);
        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", svg, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Recovery_codes_are_ten_distinct_codes_hashed_regardless_of_case_and_dashes()
    {
        var codes = RecoveryCodes.Generate();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z2-9]{5}-[a-z2-9]{5}$", c));
        Assert.All(codes, c => Assert.True(RecoveryCodes.LooksLikeRecoveryCode(c)));
        Assert.False(RecoveryCodes.LooksLikeRecoveryCode("123456"));

        string code = codes[0];
        Assert.Equal(RecoveryCodes.Hash(code), RecoveryCodes.Hash(code.ToUpperInvariant().Replace("-", " ", StringComparison.Ordinal)));
        Assert.NotEqual(RecoveryCodes.Hash(codes[0]), RecoveryCodes.Hash(codes[1]));
        Assert.Equal(64, RecoveryCodes.Hash(code).Length);
    }
}
