namespace AegisGuard.Storage.Logs;

/// <summary>
/// Which log lines a query reads, as data: the org, a time range and a conjunction of predicates. A query
/// language plans to this; the store alone turns it into SQL, so user text only ever reaches SQL as parameters
/// and the org predicate cannot be left out.
/// </summary>
public sealed record LogFilter
{
    /// <summary>The org whose lines are read (from the authenticated principal, never from the request).</summary>
    public required int OrgId { get; init; }

    /// <summary>Inclusive start of the event-time range (UTC).</summary>
    public required DateTime From { get; init; }

    /// <summary>Exclusive end of the event-time range (UTC).</summary>
    public required DateTime To { get; init; }

    /// <summary>Every predicate must hold (an empty list keeps every line of the range).</summary>
    public IReadOnlyList<LogPredicate> Predicates { get; init; } = [];
}
