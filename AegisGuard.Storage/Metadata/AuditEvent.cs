namespace AegisGuard.Storage.Metadata;

/// <summary>An event to append to the audit log; the store assigns its place in the chain and its hash.</summary>
public sealed record AuditEvent
{
    /// <summary>When it happened (UTC).</summary>
    public required DateTime At { get; init; }

    /// <summary>Who did it.</summary>
    public required string Actor { get; init; }

    /// <summary>The org it concerns, if any.</summary>
    public int? OrgId { get; init; }

    /// <summary>What happened.</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to.</summary>
    public string? Target { get; init; }

    /// <summary>Client address.</summary>
    public string? Ip { get; init; }

    /// <summary>Client user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>success, failure or denied.</summary>
    public required string Outcome { get; init; }

    /// <summary>JSON object text with further facts (never secrets).</summary>
    public string Details { get; init; } = "{}";
}
