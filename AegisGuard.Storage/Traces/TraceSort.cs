namespace AegisGuard.Storage.Traces;

/// <summary>The order of trace search results (both descending).</summary>
public enum TraceSort
{
    /// <summary>Newest trace start first.</summary>
    Time,

    /// <summary>Longest trace first.</summary>
    Duration,
}
