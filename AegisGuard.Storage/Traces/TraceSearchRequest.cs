namespace AegisGuard.Storage.Traces;

/// <summary>A trace search. Every filter given must hold; null filters are not applied.</summary>
public sealed record TraceSearchRequest
{
    /// <summary>The caller's org.</summary>
    public required int OrgId { get; init; }

    /// <summary>Traces starting at or after this time (UTC).</summary>
    public required DateTime From { get; init; }

    /// <summary>Traces starting before this time (UTC).</summary>
    public required DateTime To { get; init; }

    /// <summary>A service having a span in the trace.</summary>
    public string? Service { get; init; }

    /// <summary>An operation (span name) in the trace, of <see cref="Service"/> when that is given.</summary>
    public string? Operation { get; init; }

    /// <summary>Status filter.</summary>
    public TraceStatusFilter Status { get; init; }

    /// <summary>Trace duration at least this (µs).</summary>
    public long? MinDurationMicros { get; init; }

    /// <summary>Trace duration at most this (µs).</summary>
    public long? MaxDurationMicros { get; init; }

    /// <summary>Span attributes that must each be found on some span of the trace.</summary>
    public IReadOnlyList<SpanAttributeMatch> Attributes { get; init; } = [];

    /// <summary>Only this trace.</summary>
    public string? TraceId { get; init; }

    /// <summary>Order.</summary>
    public TraceSort Sort { get; init; }

    /// <summary>Page size.</summary>
    public required int Limit { get; init; }

    /// <summary>Continue after this position (from the previous page).</summary>
    public TraceSearchCursor? After { get; init; }
}
