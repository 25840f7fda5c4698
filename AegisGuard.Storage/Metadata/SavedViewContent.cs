namespace AegisGuard.Storage.Metadata;

/// <summary>What a user writes into a saved view (create or replace); ids, owner and times are the store's.</summary>
public sealed record SavedViewContent
{
    /// <summary>What the list calls it.</summary>
    public required string Name { get; init; }

    /// <summary>The LogQL-lite query text.</summary>
    public required string Query { get; init; }

    /// <summary>A relative range preset, or null for the fixed range <see cref="From"/>..<see cref="To"/>.</summary>
    public string? Range { get; init; }

    /// <summary>Start of a fixed range (UTC).</summary>
    public DateTime? From { get; init; }

    /// <summary>End of a fixed range (UTC).</summary>
    public DateTime? To { get; init; }

    /// <summary>Extra columns, in order.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>Whether every member of the org sees it.</summary>
    public required bool Shared { get; init; }
}
