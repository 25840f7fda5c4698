namespace AegisGuard.Query.PromQl;

/// <summary>Limits of one PromQL query (config section <c>Aegis:PromQl</c>).</summary>
public sealed class PromQlOptions
{
    public const string Section = "Aegis:PromQl";

    /// <summary>How long a query may run before it is cancelled (Prometheus: --query.timeout, 2 minutes).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How far back an instant selector looks for a sample (Prometheus: --query.lookback-delta, 5 minutes).</summary>
    public TimeSpan LookbackDelta { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most series one selector may read.</summary>
    public int MaxSeries { get; set; } = 50_000;

    /// <summary>Most samples one query may read from storage (Prometheus: --query.max-samples, 50 million).</summary>
    public long MaxSamples { get; set; } = 50_000_000;

    /// <summary>Step of subqueries written without one (Prometheus: the global evaluation interval, 1 minute).</summary>
    public TimeSpan DefaultSubqueryStep { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether range functions the rollups can answer read 1 m / 5 m / 1 h buckets instead of raw samples when the window
    /// and every evaluation time are aligned to a resolution (see docs/promql.md); false forces raw samples everywhere.
    /// </summary>
    public bool UseRollups { get; set; } = true;
}
