using System.Text.Json;
using AegisGuard.Identity;
using AegisGuard.Identity.Network;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit;

/// <summary>
/// Writes audit entries (append-only, hash-chained in <see cref="MetadataStore.AppendAudit"/>). Called on the
/// paths people use rarely — sign-in, keys, users, settings — never on the ingestion hot path. A failed write
/// fails the operation: an action that cannot be audited is not done silently.
/// </summary>
public sealed class AuditLog(MetadataStore store, TimeProvider time, ClientIpResolver? ips = null)
{
    private const int MaxUserAgent = 300;

    /// <summary>Records an action of the request's principal (or <paramref name="actor"/> when given, e.g. before sign-in).</summary>
    public AuditEntry Record(HttpContext http, string action, string outcome, int? orgId, string? target = null, object? details = null, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        string? agent = http.Request.Headers.UserAgent.ToString();
        return Record(new AuditEvent
        {
            At = time.GetUtcNow().UtcDateTime,
            Actor = actor ?? http.User.GetActor(),
            OrgId = orgId,
            Action = action,
            Target = target,
            Ip = ips?.Resolve(http).ToString(),
            UserAgent = string.IsNullOrEmpty(agent) ? null : agent[..Math.Min(agent.Length, MaxUserAgent)],
            Outcome = outcome,
            Details = details is null ? "{}" : JsonSerializer.Serialize(details),
        });
    }

    /// <summary>Records an action outside a request (the CLI, background work).</summary>
    public AuditEntry Record(string actor, string action, string outcome, int? orgId, string? target = null, object? details = null) =>
        Record(new AuditEvent
        {
            At = time.GetUtcNow().UtcDateTime,
            Actor = actor,
            OrgId = orgId,
            Action = action,
            Target = target,
            Outcome = outcome,
            Details = details is null ? "{}" : JsonSerializer.Serialize(details),
        });

    /// <summary>Records a prepared event (e.g. an aggregate of refused requests).</summary>
    public AuditEntry Record(AuditEvent e) => store.AppendAudit(e);
}
