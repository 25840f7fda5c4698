using AegisGuard.Storage.Traces;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>A trace summary as the follower keeps it: what search shows plus what finding the trace's files needs.</summary>
internal sealed record TraceSummaryState(int OrgId, TraceSummary Summary, DateTime LastStart, IReadOnlyList<TraceOperationCount> Operations);
