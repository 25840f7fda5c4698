namespace AegisGuard.Load;

/// <summary>The run cannot produce a meaningful report (e.g. the server never became ready).</summary>
internal sealed class LoadAbortedException(string message) : Exception(message);
