namespace AegisGuard.Storage.Telemetry;

/// <summary>The four kinds of telemetry AegisGuard ingests. The numeric values are stored in the ingest log.</summary>
public enum Signal : byte
{
    /// <summary>Log lines.</summary>
    Logs = 1,

    /// <summary>Metric samples (gauges, counters, histograms).</summary>
    Metrics = 2,

    /// <summary>Trace spans.</summary>
    Traces = 3,

    /// <summary>Real User Monitoring events from browsers.</summary>
    Rum = 4,
}

/// <summary>Names used for a signal in URLs, folders and the manifest.</summary>
public static class SignalNames
{
    /// <summary>The lower-case folder and manifest name of <paramref name="signal"/>.</summary>
    public static string Of(Signal signal) => signal switch
    {
        Signal.Logs => "logs",
        Signal.Metrics => "metrics",
        Signal.Traces => "traces",
        Signal.Rum => "rum",
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "unknown signal"),
    };
}
