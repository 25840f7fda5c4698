namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>Spans of one (service, operation) pair in a trace.</summary>
internal sealed record TraceOperationCount(string Service, string Operation, int Spans, int Errors);
