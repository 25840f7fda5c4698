using System.Net;
using AegisGuard.Identity.Network;

namespace AegisGuard.Tests.Identity;

/// <summary>The CIDR matcher behind IP allowlists, IPv4 and IPv6 edge cases included.</summary>
public sealed class CidrRangeTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.255.255", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("192.168.1.0/24", "192.168.1.0", true)]
    [InlineData("192.168.1.0/24", "192.168.2.1", false)]
    [InlineData("192.168.1.128/25", "192.168.1.127", false)]
    [InlineData("192.168.1.128/25", "192.168.1.200", true)]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("10.1.2.3/16", "10.1.200.1", true)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::/127", "2001:db8::1", true)]
    [InlineData("2001:db8::/127", "2001:db8::2", false)]
    [InlineData("::/0", "fe80::1", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1/128", "127.0.0.1", false)]
    [InlineData("2001:db8::/33", "2001:db8:8000::1", false)]
    [InlineData("2001:db8::/33", "2001:db8:7fff::1", true)]
    public void Addresses_match_the_ranges_they_fall_in(string range, string address, bool expected)
    {
        Assert.True(CidrRange.TryParse(range, out var parsed, out string error), error);
        Assert.Equal(expected, parsed.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("banana")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("2001:db8::/129")]
    [InlineData("300.1.1.1/8")]
    [InlineData("fe80::1%eth0/64")]
    public void Invalid_ranges_are_refused_with_a_reason(string range)
    {
        Assert.False(CidrRange.TryParse(range, out _, out string error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Host_bits_are_cleared_in_the_canonical_form() =>
        Assert.Equal("10.1.0.0/16", (CidrRange.TryParse(" 10.1.2.3/16 ", out var range, out _) ? range : null)!.ToString());

    [Fact]
    public void An_empty_allowlist_allows_all_and_a_damaged_one_allows_nothing()
    {
        Assert.True(IpAllowlist.FromStored([]).Allows(IPAddress.Parse("192.0.2.1")));
        Assert.False(IpAllowlist.FromStored(["not-a-range"]).Allows(IPAddress.Parse("192.0.2.1")));
        var list = IpAllowlist.FromStored(["192.0.2.0/24", "2001:db8::/32"]);
        Assert.True(list.Allows(IPAddress.Parse("2001:db8::5")));
        Assert.False(list.Allows(IPAddress.Parse("198.51.100.1")));
        Assert.False(list.Allows(null));
    }
}
