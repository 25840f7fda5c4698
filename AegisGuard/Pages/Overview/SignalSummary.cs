using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Pages.Overview;

/// <summary>What the org has stored of one signal.</summary>
/// <param name="Signal">The signal.</param>
/// <param name="Title">Its name as the UI shows it.</param>
/// <param name="Rows">Stored events (log lines, samples, spans, RUM events).</param>
/// <param name="Files">Parquet files holding them.</param>
/// <param name="Bytes">Size on disk.</param>
/// <param name="Newest">Timestamp of the newest stored event, if any.</param>
public sealed record SignalSummary(Signal Signal, string Title, long Rows, long Files, long Bytes, DateTime? Newest)
{
    /// <summary>Average bytes on disk per stored event (0 when empty).</summary>
    public double BytesPerRow => Rows == 0 ? 0 : (double)Bytes / Rows;
}
