namespace AegisGuard.Storage.Metrics;

/// <summary>A query would read more series or samples than its limits allow; the API answers 422 with this message.</summary>
public sealed class MetricQueryLimitException : Exception
{
    /// <summary>Creates the exception with a message that says which limit and what to do.</summary>
    public MetricQueryLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MetricQueryLimitException()
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public MetricQueryLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
