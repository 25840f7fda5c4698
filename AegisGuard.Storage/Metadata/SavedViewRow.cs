namespace AegisGuard.Storage.Metadata;

/// <summary>A saved view of the Logs explorer: what to query, over which range, with which extra columns.</summary>
public sealed record SavedViewRow
{
    /// <summary>Id, unique in the appliance (never meaningful outside the view's org).</summary>
    public required long Id { get; init; }

    /// <summary>The org the view belongs to.</summary>
    public required int OrgId { get; init; }

    /// <summary>The user who created it; the only one who sees it while it is not shared.</summary>
    public required long OwnerId { get; init; }

    /// <summary>E-mail of the owner (joined in for listings).</summary>
    public string OwnerEmail { get; init; } = string.Empty;

    /// <summary>What the list calls it.</summary>
    public required string Name { get; init; }

    /// <summary>The LogQL-lite query text.</summary>
    public required string Query { get; init; }

    /// <summary>A relative range preset (<c>1h</c>); null when the view has the fixed range <see cref="From"/>..<see cref="To"/>.</summary>
    public string? Range { get; init; }

    /// <summary>Start of a fixed range (UTC), with <see cref="Range"/> null.</summary>
    public DateTime? From { get; init; }

    /// <summary>End of a fixed range (UTC).</summary>
    public DateTime? To { get; init; }

    /// <summary>Field names shown as extra columns of the result list, in order.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>True when every member of the org sees the view.</summary>
    public required bool Shared { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>Last change (UTC).</summary>
    public required DateTime UpdatedAt { get; init; }
}
