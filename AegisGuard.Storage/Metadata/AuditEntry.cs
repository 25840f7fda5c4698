namespace AegisGuard.Storage.Metadata;

/// <summary>
/// One row of the audit log as stored: the event, its place in the chain (<see cref="Seq"/>,
/// <see cref="PrevHash"/>) and its own <see cref="Hash"/>.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>Position in the chain: 1, 2, 3 … without gaps.</summary>
    public required long Seq { get; init; }

    /// <summary>When it happened (UTC, millisecond precision).</summary>
    public required DateTime At { get; init; }

    /// <summary>Who did it: a user's e-mail, an API key id, <c>cli</c>, <c>system</c> or <c>anonymous</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>The org it concerns, or null for events outside any org (e.g. a failed login for an unknown e-mail).</summary>
    public int? OrgId { get; init; }

    /// <summary>What happened, e.g. <c>auth.login</c>, <c>key.created</c>.</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to (a key id, a user's e-mail …).</summary>
    public string? Target { get; init; }

    /// <summary>Client address.</summary>
    public string? Ip { get; init; }

    /// <summary>Client user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>success, failure or denied.</summary>
    public required string Outcome { get; init; }

    /// <summary>A JSON object with further facts; never secrets.</summary>
    public required string Details { get; init; }

    /// <summary>The previous entry's hash (<see cref="AuditChain.Genesis"/> for the first).</summary>
    public required string PrevHash { get; init; }

    /// <summary>Hex SHA-256 of this entry's canonical form (<see cref="AuditChain.ComputeHash"/>).</summary>
    public required string Hash { get; init; }
}
