namespace AegisGuard.Storage.Metadata;

/// <summary>One active session (refresh-token family) of a user, as the user's own session list shows it.</summary>
public sealed record SessionRow
{
    /// <summary>The family id: the session's id in the API and in the access token's <c>sid</c> claim.</summary>
    public required string FamilyId { get; init; }

    /// <summary>The org the session is in.</summary>
    public required int OrgId { get; init; }

    /// <summary>When the oldest token still kept of the family was issued (the sign-in, unless purged since).</summary>
    public required DateTime StartedAt { get; init; }

    /// <summary>When the newest live token was issued: the sign-in or the last refresh.</summary>
    public required DateTime LastUsedAt { get; init; }

    /// <summary>The client address of the newest live token, or null.</summary>
    public string? Ip { get; init; }

    /// <summary>The User-Agent of the newest live token, or null.</summary>
    public string? UserAgent { get; init; }
}
