using AegisGuard.Pipeline;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Pages.Overview;

/// <summary>
/// Gathers the Overview from what the appliance already tracks: the manifest (one row per Parquet file, so totals per
/// org cost one indexed SQLite query per signal, no Parquet scan), the ingest log and the normalizer's counters.
/// </summary>
public sealed class OverviewReader(TelemetryStore store, IngestLog log, PipelineStatus pipeline, HealthConditions health, QuarantineService quarantine, TimeProvider time)
{
    /// <summary>How many days the volume chart covers.</summary>
    public const int VolumeDays = 14;

    private static readonly (Signal Signal, string Title)[] SignalTitles =
        [(Signal.Logs, "Logs"), (Signal.Metrics, "Metrics"), (Signal.Traces, "Traces"), (Signal.Rum, "RUM events")];

    /// <summary>The overview of <paramref name="orgId"/>; appliance-wide figures only with <paramref name="applianceWide"/> (instance administrators).</summary>
    public ApplianceOverview Read(int orgId, bool applianceWide)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var firstDay = today.AddDays(-(VolumeDays - 1));
        var perDay = new Dictionary<DateOnly, Dictionary<string, long>>();
        var signals = new List<SignalSummary>();
        foreach (var (signal, title) in SignalTitles)
        {
            long rows = 0, files = 0, bytes = 0;
            DateTime? newest = null;
            string name = SignalNames.Of(signal);

            // Rollups (later) summarise rows that fresh/compacted files already hold: count each event once.
            foreach (var file in store.Manifest.ListFiles(signal, orgId, DateTime.MinValue, DateTime.MaxValue))
            {
                if (file.Level == "rollup")
                {
                    continue;
                }

                rows += file.Rows;
                files++;
                bytes += file.Bytes;
                newest = newest is null || file.MaxTimestamp > newest ? file.MaxTimestamp : newest;
                if (file.Day >= firstDay && file.Day <= today)
                {
                    var day = perDay.TryGetValue(file.Day, out var bySignal) ? bySignal : perDay[file.Day] = [];
                    day[name] = day.GetValueOrDefault(name) + file.Rows;
                }
            }

            signals.Add(new SignalSummary(signal, title, rows, files, bytes, newest));
        }

        var days = new List<DailyVolume>(VolumeDays);
        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            days.Add(new DailyVolume(day, perDay.TryGetValue(day, out var bySignal) ? bySignal : new Dictionary<string, long>()));
        }

        var conditions = health.Current;
        var problems = conditions.Where(c => c.Impact == HealthImpact.NotReady).ToList();

        // A damaged file's warning names its org, day and rows: only that org (and the instance administrator) sees it.
        bool OwnDamagedFile(HealthCondition c) =>
            c.Component.StartsWith(TelemetryStore.DamagedFileHealthPrefix, StringComparison.Ordinal) && c.Component.Contains($"/org={orgId}/", StringComparison.Ordinal);
        var warnings = conditions.Where(c => c.Impact == HealthImpact.Warning &&
            (applianceWide ? !c.Component.StartsWith(TelemetryStore.DamagedFileHealthPrefix, StringComparison.Ordinal) || OwnDamagedFile(c) : OwnDamagedFile(c))).ToList();
        return new ApplianceOverview
        {
            ApplianceWide = applianceWide,
            Ready = problems.Count == 0,
            Signals = signals,
            Days = days,
            IngestUnavailable = log.UnavailableReason,
            BacklogBytes = applianceWide ? Math.Max(0, log.TailAddress - Math.Max(pipeline.StoredUntil, log.BeginAddress)) : 0,
            RowsWrittenSinceStart = applianceWide ? pipeline.RowsWritten : 0,
            FlushFailures = applianceWide ? pipeline.FlushFailures : 0,
            Quarantined = applianceWide ? pipeline.Quarantined : 0,
            Problems = applianceWide ? problems : [],
            Warnings = warnings,
            QuarantinedBatches = quarantine.List(orgId),
            PipelineRestarts = applianceWide ? pipeline.Restarts : 0,
            LastFlushAt = applianceWide ? pipeline.LastFlushAt : null,
            LastFlushError = applianceWide ? pipeline.LastError : null,
            Now = now,
        };
    }
}
