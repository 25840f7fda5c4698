namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>Functions over a range of log lines.</summary>
public enum RangeFunction
{
    /// <summary>Lines in the window.</summary>
    CountOverTime,

    /// <summary>Lines per second in the window.</summary>
    Rate,

    /// <summary>Message bytes in the window.</summary>
    BytesOverTime,

    /// <summary>Message bytes per second in the window.</summary>
    BytesRate,
}
