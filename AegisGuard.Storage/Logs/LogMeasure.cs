namespace AegisGuard.Storage.Logs;

/// <summary>What an aggregation adds up per bucket.</summary>
public enum LogMeasure
{
    /// <summary>Number of lines.</summary>
    Count,

    /// <summary>UTF-8 bytes of the messages.</summary>
    Bytes,
}
