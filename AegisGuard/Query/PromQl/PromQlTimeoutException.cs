namespace AegisGuard.Query.PromQl;

/// <summary>A query ran longer than <see cref="PromQlOptions.Timeout"/>; Prometheus' errorType "timeout", 503.</summary>
public sealed class PromQlTimeoutException : Exception
{
    public PromQlTimeoutException(string message)
        : base(message)
    {
    }

    public PromQlTimeoutException()
    {
    }

    public PromQlTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
