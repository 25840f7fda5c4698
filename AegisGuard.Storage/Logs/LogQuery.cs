namespace AegisGuard.Storage.Logs;

/// <summary>A log search expressed as data; the store turns it into parameterised SQL. Org scoping is mandatory.</summary>
public sealed record LogQuery
{
    /// <summary>The org whose logs are read (from the authenticated principal, never from the request).</summary>
    public required int OrgId { get; init; }

    /// <summary>Inclusive start of the time range (UTC).</summary>
    public required DateTime From { get; init; }

    /// <summary>Exclusive end of the time range (UTC).</summary>
    public required DateTime To { get; init; }

    /// <summary>Exact service name, or null for any.</summary>
    public string? Service { get; init; }

    /// <summary>Exact normalised level, or null for any.</summary>
    public string? Level { get; init; }

    /// <summary>Case-insensitive substring of the message, or null.</summary>
    public string? Contains { get; init; }

    /// <summary>Maximum rows returned, newest first.</summary>
    public required int Limit { get; init; }
}
