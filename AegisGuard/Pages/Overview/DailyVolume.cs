namespace AegisGuard.Pages.Overview;

/// <summary>Events stored for one UTC day (by event time), per signal name (logs, metrics, traces, rum).</summary>
public sealed record DailyVolume(DateOnly Day, IReadOnlyDictionary<string, long> RowsBySignal);
