namespace AegisGuard.Storage.Traces;

/// <summary>Which traces a search keeps by their spans' status.</summary>
public enum TraceStatusFilter
{
    /// <summary>Every trace.</summary>
    Any,

    /// <summary>Traces with at least one span of status error.</summary>
    Error,

    /// <summary>Traces without any span of status error.</summary>
    Ok,
}
