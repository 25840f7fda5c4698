namespace AegisGuard.Query.Traces;

/// <summary>Spans and errors of one service in a trace.</summary>
public sealed record TraceServiceCount(string Name, int SpanCount, int ErrorCount);
