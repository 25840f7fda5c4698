using System.ComponentModel.DataAnnotations;

namespace AegisGuard.Audit;

/// <summary>The audit log's settings, section <c>Aegis:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>How long refused requests are counted before one entry per (org, actor, address, reason) is written.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RefusalWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Distinct refusal buckets kept per window; past it refusals are only counted, in one overflow entry.</summary>
    [Range(1, 1_000_000)]
    public int MaxRefusalBuckets { get; set; } = 1000;

    /// <summary>External receivers every entry is shipped to (ASVS V7.3): syslog over UDP or TCP, or a webhook.</summary>
    public List<AuditSinkOptions> Sinks { get; set; } = [];
}
