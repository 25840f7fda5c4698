namespace AegisGuard.Query.PromQl;

/// <summary>A query that parses but cannot be evaluated (e.g. many-to-many matching); Prometheus' errorType "execution", 422.</summary>
public sealed class PromQlExecutionException : Exception
{
    public PromQlExecutionException(string message)
        : base(message)
    {
    }

    public PromQlExecutionException()
    {
    }

    public PromQlExecutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
