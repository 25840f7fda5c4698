namespace AegisGuard.Storage.Metadata;

/// <summary>An organisation and its settings.</summary>
public sealed record Org
{
    /// <summary>Numeric id used in storage paths and rows.</summary>
    public required int Id { get; init; }

    /// <summary>URL-safe unique name (e.g. <c>default</c>).</summary>
    public required string Slug { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>redact or hash: what the PII scrubber does with e-mails, SSNs and card numbers.</summary>
    public required string PiiMode { get; init; }

    /// <summary>The org's key for deterministic PII hashing, encrypted by the caller.</summary>
    public required string PiiKeyProtected { get; init; }

    /// <summary>Ingestion limit in events per second; 0 means the appliance default.</summary>
    public required int IngestRateLimit { get; init; }

    /// <summary>Days of telemetry kept.</summary>
    public required int RetentionDays { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTime CreatedAt { get; init; }
}
