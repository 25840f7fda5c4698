namespace AegisGuard.Storage.Metadata;

/// <summary>A page of one org's audit entries, newest first. Null filters match everything.</summary>
public sealed record AuditQuery
{
    /// <summary>The org whose entries are read; always set (from the principal).</summary>
    public required int OrgId { get; init; }

    /// <summary>
    /// True for the instance's own entries (org_id NULL: unknown API keys, sign-ins of unknown e-mails); then
    /// <see cref="OrgId"/> is ignored. Only an instance administrator may read these.
    /// </summary>
    public bool Instance { get; init; }

    /// <summary>Exact action, or a prefix ending in a dot (e.g. <c>auth.</c>).</summary>
    public string? Action { get; init; }

    /// <summary>Any part of the actor, ignoring ASCII case.</summary>
    public string? Actor { get; init; }

    /// <summary>Exact outcome.</summary>
    public string? Outcome { get; init; }

    /// <summary>Inclusive lower time bound (UTC).</summary>
    public DateTime? From { get; init; }

    /// <summary>Exclusive upper time bound (UTC).</summary>
    public DateTime? To { get; init; }

    /// <summary>1-based page number.</summary>
    public int Page { get; init; } = 1;

    /// <summary>Entries per page.</summary>
    public int PageSize { get; init; } = 50;
}
