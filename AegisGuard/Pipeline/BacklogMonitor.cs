using AegisGuard.Hosting;
using AegisGuard.Storage.IngestLog;
using Microsoft.Extensions.Options;

namespace AegisGuard.Pipeline;

/// <summary>
/// How much accepted data waits between its 202 and Parquet, in bytes and in age (how long the oldest waiting batch
/// has waited). The ingest API refuses new batches (503 + Retry-After) while either is over its bound, so the backlog
/// — and what a 202 means ("queryable within seconds") — stays bounded at any offered load.
/// </summary>
/// <remarks>
/// Ages come from a queue of (address, accepted at) noted after each append and dropped once the pipeline has stored
/// past them; after a restart the records the log still holds count as accepted at start-up.
/// </remarks>
public sealed class BacklogMonitor(IngestLog log, PipelineStatus pipeline, IOptions<AegisOptions> options, TimeProvider time)
{
    private readonly Queue<(long Address, long At)> accepted = new();
    private readonly Lock gate = new();
    private long seededAt = -1;
    private long seedUntil;

    /// <summary>Notes that the record at <paramref name="address"/> was accepted now.</summary>
    public void NoteAccepted(long address)
    {
        long now = time.GetTimestamp();
        lock (gate)
        {
            accepted.Enqueue((address, now));
        }
    }

    /// <summary>Treats whatever the log holds beyond the stored position as accepted now (at start-up).</summary>
    public void SeedFromLog()
    {
        lock (gate)
        {
            seededAt = time.GetTimestamp();
            seedUntil = log.CommittedUntilAddress;
        }
    }

    /// <summary>Accepted bytes not yet stored in Parquet.</summary>
    public long Bytes => Math.Max(0, log.CommittedUntilAddress - Math.Max(pipeline.StoredUntil, log.BeginAddress));

    /// <summary>How long the oldest batch not yet stored has waited (zero when nothing waits).</summary>
    public TimeSpan Age
    {
        get
        {
            long flushed = pipeline.StoredUntil;
            bool waiting = log.CommittedUntilAddress > Math.Max(flushed, log.BeginAddress);
            lock (gate)
            {
                while (accepted.Count > 0 && accepted.Peek().Address < flushed)
                {
                    accepted.Dequeue();
                }

                if (seededAt >= 0 && flushed >= seedUntil)
                {
                    seededAt = -1;
                }

                if (!waiting)
                {
                    accepted.Clear();
                    seededAt = -1;
                    return TimeSpan.Zero;
                }

                long oldest = seededAt >= 0 ? seededAt : accepted.Count > 0 ? accepted.Peek().At : -1;
                return oldest < 0 ? TimeSpan.Zero : time.GetElapsedTime(oldest);
            }
        }
    }

    /// <summary>Why new batches must wait right now (null when they may be accepted), and for how long.</summary>
    public string? RefuseReason(out TimeSpan retryAfter)
    {
        var limits = options.Value.Ingest;
        long bytes = Bytes;
        var age = Age;
        retryAfter = TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(age.TotalSeconds / 4), 1, 30));
        if (bytes > limits.MaxBacklogBytes)
        {
            return $"{bytes / (1024 * 1024)} MiB of accepted data are waiting to be stored (the limit is {limits.MaxBacklogBytes / (1024 * 1024)} MiB)";
        }

        if (age > limits.MaxBacklogAge)
        {
            return $"the oldest accepted batch has waited {age.TotalSeconds:0} s to be stored (the limit is {limits.MaxBacklogAge.TotalSeconds:0} s)";
        }

        return null;
    }
}
