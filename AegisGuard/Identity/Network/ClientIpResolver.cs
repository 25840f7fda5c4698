using System.Net;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Network;

/// <summary>
/// The client address used for IP allowlists, login throttling and the audit log. <c>X-Forwarded-For</c> is
/// believed only when the connection comes from a configured trusted proxy, and then read from the right
/// (the nearest hop first), skipping further trusted proxies, so a client cannot pick its own address. A
/// connection without an address (the in-process test host, a Unix socket) counts as loopback.
/// </summary>
public sealed class ClientIpResolver
{
    private const string ForwardedFor = "X-Forwarded-For";
    private readonly CidrRange[] trusted;

    public ClientIpResolver(IOptions<SecurityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ranges = new List<CidrRange>();
        foreach (string entry in options.Value.TrustedProxies)
        {
            if (!CidrRange.TryParse(entry, out var range, out string error))
            {
                throw new OptionsValidationException(nameof(SecurityOptions.TrustedProxies), typeof(SecurityOptions), [$"Aegis:Security:TrustedProxies: {error}"]);
            }

            ranges.Add(range);
        }

        trusted = [.. ranges];
    }

    /// <summary>The client's address for this request.</summary>
    public IPAddress Resolve(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(typeof(ClientIpResolver), out object? cached) && cached is IPAddress known)
        {
            return known;
        }

        var address = http.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (trusted.Length > 0 && IsTrusted(address))
        {
            var hops = http.Request.Headers[ForwardedFor].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (int i = hops.Length - 1; i >= 0; i--)
            {
                if (!IPAddress.TryParse(hops[i], out var hop))
                {
                    break; // garbage: stop believing the header and keep the last trusted hop
                }

                address = hop.IsIPv4MappedToIPv6 ? hop.MapToIPv4() : hop;
                if (!IsTrusted(address))
                {
                    break;
                }
            }
        }

        http.Items[typeof(ClientIpResolver)] = address;
        return address;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var range in trusted)
        {
            if (range.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
