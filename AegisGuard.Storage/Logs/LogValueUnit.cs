namespace AegisGuard.Storage.Logs;

/// <summary>How a field's text becomes a number for <see cref="LogFieldComparison"/>.</summary>
public enum LogValueUnit
{
    /// <summary>A plain decimal number (<c>500</c>, <c>0.25</c>).</summary>
    Number,

    /// <summary>
    /// Seconds: Go-style durations (<c>250ms</c>, <c>1.5s</c>, <c>1m30s</c>; units ns, us, µs, ms, s, m, h, d)
    /// or a plain number, taken as seconds.
    /// </summary>
    Duration,

    /// <summary>
    /// Bytes: a number with an optional unit (<c>B</c>, decimal <c>KB MB GB TB</c> = 1000ⁿ, binary
    /// <c>KiB MiB GiB TiB</c> = 1024ⁿ; case-insensitive) or a plain number of bytes.
    /// </summary>
    Bytes,
}
