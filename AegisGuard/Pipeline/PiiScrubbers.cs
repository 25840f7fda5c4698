using System.Collections.Concurrent;
using AegisGuard.Orgs;

namespace AegisGuard.Pipeline;

/// <summary>
/// The PII scrubber of each org (its mode, key and opt-in rules), built once and shared: the ingest API scrubs every
/// batch before it is appended to the ingest log, and the pipeline scrubs records written by earlier versions (raw
/// JSON) the same way. Thread-safe.
/// </summary>
public sealed class PiiScrubbers
{
    private readonly ConcurrentDictionary<int, (string Mode, PiiRules Rules, byte[] Key, PiiScrubber Scrubber)> scrubbers = new();

    /// <summary>The scrubber for <paramref name="org"/>'s current mode, key and rules.</summary>
    public PiiScrubber For(OrgEntry org)
    {
        ArgumentNullException.ThrowIfNull(org);
        if (scrubbers.TryGetValue(org.Org.Id, out var cached) && cached.Mode == org.Org.PiiMode && cached.Rules == org.PiiRules &&
            cached.Key.AsSpan().SequenceEqual(org.PiiKey))
        {
            return cached.Scrubber;
        }

        var scrubber = new PiiScrubber(org.Org.PiiMode == "hash" ? PiiMode.Hash : PiiMode.Redact, org.PiiKey, org.PiiRules);
        scrubbers[org.Org.Id] = (org.Org.PiiMode, org.PiiRules, org.PiiKey, scrubber);
        return scrubber;
    }
}
