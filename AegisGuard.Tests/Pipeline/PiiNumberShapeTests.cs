using AegisGuard.Pipeline;

namespace AegisGuard.Tests.Pipeline;

/// <summary>
/// The number pattern runs only on text with a card or SSN shape (issue #9: access-log lines full of client IPs,
/// versions and ids made it run on most lines). These lines carry such look-alikes next to a real finding, which
/// must still be found, and look-alikes alone, which must stay as sent.
/// </summary>
public sealed class PiiNumberShapeTests
{
    private static readonly byte[] OrgKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private readonly PiiScrubber redactor = new(PiiMode.Redact, OrgKey);

    [Theory]
    [InlineData("GET /api/v1/users/211240 504 2.0ms client_ip=172.20.132.9 card=4111 1111 1111 1111 v=1.5.4",
        "GET /api/v1/users/211240 504 2.0ms client_ip=172.20.132.9 card=[REDACTED:card] v=1.5.4")]
    [InlineData("client_ip=172.26.36.12 paid 4111-1111-1111-1111 thread=33", "client_ip=172.26.36.12 paid [REDACTED:card] thread=33")]
    [InlineData("ip 10.0.0.1 paid 4111.1111.1111.1111 ok", "ip 10.0.0.1 paid [REDACTED:card] ok")]
    [InlineData("bytes=640509 ssn 123-45-6789 on file", "bytes=640509 ssn [REDACTED:ssn] on file")]
    [InlineData("took 12 ms, ssn 123 45 6789", "took 12 ms, ssn [REDACTED:ssn]")]
    [InlineData("amex 3782 822463 10005 at 172.31.192.8", "amex [REDACTED:card] at 172.31.192.8")]
    [InlineData("ssn: 078051120 from 172.20.132.9", "ssn: [REDACTED:ssn] from 172.20.132.9")]
    public void A_finding_next_to_ips_versions_and_ids_is_still_found(string input, string expected)
    {
        Assert.Equal(expected, redactor.Scrub(input));
    }

    [Theory]
    [InlineData("GET /api/v1/products 200 2.1ms tenant=acme-380 bytes=640509 client_ip=172.20.132.9 ua=\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\"")]
    [InlineData("DELETE /api/v1/sessions/626456 200 1.3ms client_ip=172.26.36.12 thread=33 request_id=50717da714ad73a3")]
    [InlineData("GET /api/v1/users/211240 504 2.0ms internal error bytes=1416607")]
    [InlineData("released 2025-10-31 12:00:01.123 build 1.24.301.7")]
    public void Look_alikes_alone_stay_as_sent(string input)
    {
        Assert.Same(input, redactor.Scrub(input));
    }
}
