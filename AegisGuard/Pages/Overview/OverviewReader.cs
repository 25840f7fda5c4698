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

    public ApplianceOverview Read(int orgId)
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

        return new ApplianceOverview
        {
            Signals = signals,
            Days = days,
            IngestUnavailable = log.UnavailableReason,
            BacklogBytes = Math.Max(0, log.TailAddress - Math.Max(pipeline.StoredUntil, log.BeginAddress)),
            RowsWrittenSinceStart = pipeline.RowsWritten,
            FlushFailures = pipeline.FlushFailures,
            Quarantined = pipeline.Quarantined,
            Problems = [.. health.Current.Where(c => c.Impact == HealthImpact.NotReady)],
            // A damaged file's warning names its org, day and rows: only that org sees it here.
            Warnings = [.. health.Current.Where(c => c.Impact == HealthImpact.Warning &&
                (!c.Component.StartsWith(TelemetryStore.DamagedFileHealthPrefix, StringComparison.Ordinal) ||
                 c.Component.Contains($"/org={orgId}/", StringComparison.Ordinal)))],
            QuarantinedBatches = quarantine.List(orgId),
            PipelineRestarts = pipeline.Restarts,
            LastFlushAt = pipeline.LastFlushAt,
            LastFlushError = pipeline.LastError,
            Now = now,
        };
    }
}
