using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AegisGuard.Identity.Network;

/// <summary>
/// An IPv4 or IPv6 network in CIDR notation (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>; a bare address is a /32 or
/// /128). IPv4-mapped IPv6 addresses (<c>::ffff:10.1.2.3</c>, as dual-stack sockets report IPv4 clients) are
/// matched as the IPv4 address they carry.
/// </summary>
public sealed class CidrRange
{
    private readonly byte[] network;

    private CidrRange(byte[] network, int prefixLength, AddressFamily family)
    {
        this.network = network;
        PrefixLength = prefixLength;
        Family = family;
    }

    public int PrefixLength { get; }

    public AddressFamily Family { get; }

    /// <summary>The canonical text (network address with host bits cleared, and the prefix).</summary>
    public override string ToString() => $"{new IPAddress(network)}/{PrefixLength}";

    /// <summary>Parses <paramref name="text"/>; false (with a human <paramref name="error"/>) when it is not a valid range.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CidrRange? range, out string error)
    {
        range = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "is empty; write a CIDR range such as 203.0.113.0/24 or 2001:db8::/32";
            return false;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal))
        {
            error = $"'{text}' is not an IPv4 or IPv6 address or CIDR range";
            return false;
        }

        address = Normalise(address);
        byte[] bytes = address.GetAddressBytes();
        int maxPrefix = bytes.Length * 8;
        int prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix))
        {
            error = $"'{text}' has an invalid prefix length; it must be 0 to {maxPrefix}";
            return false;
        }

        for (int bit = prefix; bit < maxPrefix; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        range = new CidrRange(bytes, prefix, address.AddressFamily);
        error = string.Empty;
        return true;
    }

    /// <summary>True when <paramref name="address"/> lies in this range.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalise(address);
        if (address.AddressFamily != Family)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int length) || length != network.Length)
        {
            return false;
        }

        int whole = PrefixLength / 8;
        if (!bytes[..whole].SequenceEqual(network.AsSpan(0, whole)))
        {
            return false;
        }

        int rest = PrefixLength % 8;
        if (rest == 0)
        {
            return true;
        }

        byte mask = (byte)(0xFF << (8 - rest));
        return (bytes[whole] & mask) == network[whole];
    }

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
