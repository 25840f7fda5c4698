using System.Text.Json;
using AegisGuard.Hosting;
using AegisGuard.Identity;
using AegisGuard.Identity.Network;
using AegisGuard.Storage.Metadata;
using Microsoft.Extensions.Options;

namespace AegisGuard.Audit;

/// <summary>
/// Audits refused requests — CSRF rejections, authorisation denials, rejected tokens, cross-org id probes, bad API
/// keys and bad signatures — without letting a flood flood the audit log: refusals are counted in memory per
/// (org or instance, actor, address, action, reason) and written as ONE entry per bucket per
/// <see cref="AuditOptions.RefusalWindow"/> with the count (by <see cref="RefusalAuditFlusher"/>, each window and at
/// shutdown). At most <see cref="AuditOptions.MaxRefusalBuckets"/> buckets exist at once; refusals past that are
/// counted in one overflow entry, so memory and audit volume stay bounded whatever the attacker varies. Refusals
/// with no trustworthy org (an unknown key id, a forged token) go to the instance stream (org NULL).
/// Cheap enough for the ingestion path: one dictionary update under a lock, no I/O.
/// </summary>
public sealed partial class RefusalAudit(AuditLog audit, IOptions<AegisOptions> options, TimeProvider time, ClientIpResolver ips, ILogger<RefusalAudit> logger)
{
    private const int MaxText = 128;
    private readonly Lock gate = new();
    private Dictionary<Key, Bucket> buckets = [];
    private long overflow;
    private DateTime overflowFirst;

    /// <summary>Counts one refusal of the current request. <paramref name="actor"/> defaults to the principal.</summary>
    public void Note(HttpContext http, string action, string reason, int? orgId, string? actor = null, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        string ip = ips.Resolve(http).ToString();
        var key = new Key(orgId, Clip(actor ?? http.User.GetActor())!, ip, action, reason);
        var now = time.GetUtcNow().UtcDateTime;
        lock (gate)
        {
            if (buckets.TryGetValue(key, out var bucket))
            {
                bucket.Count++;
                bucket.Last = now;
            }
            else if (buckets.Count < options.Value.Audit.MaxRefusalBuckets)
            {
                buckets[key] = new Bucket
                {
                    Count = 1,
                    First = now,
                    Last = now,
                    Method = http.Request.Method,
                    Path = Clip(http.Request.Path.Value),
                    Target = Clip(target),
                    UserAgent = Clip(http.Request.Headers.UserAgent.ToString()),
                };
            }
            else
            {
                if (overflow == 0)
                {
                    overflowFirst = now;
                }

                overflow++;
            }
        }
    }

    /// <summary>Writes one entry per bucket counted since the last flush (oldest first) and starts a new window; returns how many.</summary>
    public int Flush()
    {
        Dictionary<Key, Bucket> taken;
        long overflowed;
        DateTime overflowSince;
        lock (gate)
        {
            if (buckets.Count == 0 && overflow == 0)
            {
                return 0;
            }

            (taken, buckets) = (buckets, []);
            (overflowed, overflow, overflowSince) = (overflow, 0, overflowFirst);
        }

        int written = 0;
        try
        {
            foreach (var (key, bucket) in taken.OrderBy(b => b.Value.First))
            {
                audit.Record(new AuditEvent
                {
                    At = bucket.First,
                    Actor = key.Actor,
                    OrgId = key.OrgId,
                    Action = key.Action,
                    Target = bucket.Target,
                    Ip = key.Ip,
                    UserAgent = string.IsNullOrEmpty(bucket.UserAgent) ? null : bucket.UserAgent,
                    Outcome = AuditActions.Outcomes.Denied,
                    Details = JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["reason"] = key.Reason,
                        ["count"] = bucket.Count,
                        ["first"] = bucket.First,
                        ["last"] = bucket.Last,
                        ["method"] = bucket.Method,
                        ["path"] = bucket.Path,
                    }),
                });
                written++;
            }

            if (overflowed > 0)
            {
                audit.Record(new AuditEvent
                {
                    At = overflowSince,
                    Actor = "system",
                    Action = AuditActions.RefusalsOverflow,
                    Outcome = AuditActions.Outcomes.Denied,
                    Details = JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["reason"] = "too_many_distinct_refusals",
                        ["count"] = overflowed,
                        ["max_buckets"] = options.Value.Audit.MaxRefusalBuckets,
                    }),
                });
                written++;
            }
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            LogFlushFailed(logger, taken.Count - written, ex);
        }

        return written;
    }

    private static string? Clip(string? text) => text is null ? null : text.Length <= MaxText ? text : text[..MaxText];

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} aggregated refusal entries to the audit log")]
    private static partial void LogFlushFailed(ILogger logger, int count, Exception exception);

    private readonly record struct Key(int? OrgId, string Actor, string Ip, string Action, string Reason);

    private sealed class Bucket
    {
        public long Count { get; set; }

        public DateTime First { get; init; }

        public DateTime Last { get; set; }

        public string? Method { get; init; }

        public string? Path { get; init; }

        public string? Target { get; init; }

        public string? UserAgent { get; init; }
    }
}
