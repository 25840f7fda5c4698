using System.Net;

namespace AegisGuard.Identity.Network;

/// <summary>An org's parsed allowlist. Empty allows every address; otherwise an address must fall in one range.</summary>
public sealed class IpAllowlist
{
    public static readonly IpAllowlist AllowAll = new([]);

    private readonly CidrRange[] ranges;

    public IpAllowlist(IReadOnlyList<CidrRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        this.ranges = [.. ranges];
    }

    public bool IsEmpty => ranges.Length == 0;

    public IReadOnlyList<CidrRange> Ranges => ranges;

    /// <summary>
    /// Parses stored entries, skipping any that do not parse (they were validated when saved; a damaged entry must
    /// not turn a restricted org into an open one, so if nothing valid remains the list denies everything).
    /// </summary>
    public static IpAllowlist FromStored(IReadOnlyList<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return AllowAll;
        }

        var parsed = new List<CidrRange>();
        foreach (string entry in entries)
        {
            if (CidrRange.TryParse(entry, out var range, out _))
            {
                parsed.Add(range);
            }
        }

        return parsed.Count == 0 ? new IpAllowlist([], denyAll: true) : new IpAllowlist(parsed);
    }

    private IpAllowlist(IReadOnlyList<CidrRange> ranges, bool denyAll) : this(ranges) => DenyAll = denyAll;

    private bool DenyAll { get; }

    /// <summary>True when <paramref name="address"/> may connect. An unknown address passes only an empty list.</summary>
    public bool Allows(IPAddress? address)
    {
        if (DenyAll)
        {
            return false;
        }

        if (ranges.Length == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        foreach (var range in ranges)
        {
            if (range.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
