using System.Collections.Concurrent;
using AegisGuard.Hosting;
using AegisGuard.Orgs;
using Microsoft.Extensions.Options;

namespace AegisGuard.Ingest;

/// <summary>
/// Per-org token buckets in events per second. A bucket holds max(limit, <c>Ingest:MinimumBurst</c>) events (by default
/// 5000, one full batch of the largest endpoint), so a slow org can still send, just not often — and an idle org may
/// send that burst at once before the limit paces it. Only authenticated, valid batches spend tokens.
/// </summary>
public sealed class IngestRateLimiter(OrgDirectory orgs, IOptions<AegisOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<int, Bucket> buckets = new();

    /// <summary>Takes <paramref name="events"/> tokens; false (with the wait) when the org is over its limit.</summary>
    public bool TryAcquire(int orgId, int events, out TimeSpan retryAfter)
    {
        int rate = orgs.Find(orgId)?.Org.IngestRateLimit is > 0 and var own ? own : options.Value.Ingest.DefaultRateLimit;
        var bucket = buckets.GetOrAdd(orgId, _ => new Bucket(time.GetTimestamp()));
        return bucket.TryTake(events, rate, Burst(rate, options.Value.Ingest.MinimumBurst), time, out retryAfter);
    }

    /// <summary>How many events a full bucket holds for a limit of <paramref name="rate"/> events/s.</summary>
    public static int Burst(int rate, int minimumBurst) => Math.Max(rate, Math.Max(1, minimumBurst));

    private sealed class Bucket(long startedAt)
    {
        private readonly Lock gate = new();
        private long refilledAt = startedAt;
        private double tokens = double.NaN;

        public bool TryTake(int events, int rate, int capacity, TimeProvider time, out TimeSpan retryAfter)
        {
            lock (gate)
            {
                long now = time.GetTimestamp();
                tokens = double.IsNaN(tokens)
                    ? capacity
                    : Math.Min(capacity, tokens + (time.GetElapsedTime(refilledAt, now).TotalSeconds * rate));
                refilledAt = now;
                if (tokens >= events)
                {
                    tokens -= events;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((events - tokens) / rate)));
                return false;
            }
        }
    }
}
