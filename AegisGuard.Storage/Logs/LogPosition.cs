namespace AegisGuard.Storage.Logs;

/// <summary>
/// Where a line sits in the total order of an org's logs: event time, then the stable event id
/// (ingest log address, index in the batch). Paging from a position is stable while new lines arrive,
/// because no line ever changes its position and compaction keeps the ids.
/// </summary>
/// <param name="Timestamp">Event time (UTC, microsecond precision as stored).</param>
/// <param name="SourceAddress">Ingest log address of the line's batch.</param>
/// <param name="SourceIndex">Index of the line in its batch.</param>
public readonly record struct LogPosition(DateTime Timestamp, long SourceAddress, int SourceIndex) : IComparable<LogPosition>
{
    /// <inheritdoc />
    public int CompareTo(LogPosition other)
    {
        int byTime = Timestamp.CompareTo(other.Timestamp);
        if (byTime != 0)
        {
            return byTime;
        }

        int byAddress = SourceAddress.CompareTo(other.SourceAddress);
        return byAddress != 0 ? byAddress : SourceIndex.CompareTo(other.SourceIndex);
    }

    /// <summary>Orders positions by time, then id.</summary>
    public static bool operator <(LogPosition left, LogPosition right) => left.CompareTo(right) < 0;

    /// <summary>Orders positions by time, then id.</summary>
    public static bool operator >(LogPosition left, LogPosition right) => left.CompareTo(right) > 0;

    /// <summary>Orders positions by time, then id.</summary>
    public static bool operator <=(LogPosition left, LogPosition right) => left.CompareTo(right) <= 0;

    /// <summary>Orders positions by time, then id.</summary>
    public static bool operator >=(LogPosition left, LogPosition right) => left.CompareTo(right) >= 0;
}
