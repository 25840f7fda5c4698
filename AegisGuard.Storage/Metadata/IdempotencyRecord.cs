namespace AegisGuard.Storage.Metadata;

/// <summary>The remembered answer to a batch sent with an <c>x-idempotency-key</c>.</summary>
public sealed record IdempotencyRecord
{
    /// <summary>Org that sent it.</summary>
    public required int OrgId { get; init; }

    /// <summary>The client's key.</summary>
    public required string Key { get; init; }

    /// <summary>Signal of the batch (logs, metrics, traces, rum).</summary>
    public required string Signal { get; init; }

    /// <summary>Hex SHA-256 of the raw body, to tell a retry from a different batch under the same key.</summary>
    public required string BodySha256 { get; init; }

    /// <summary>The batch id answered the first time.</summary>
    public required string BatchId { get; init; }

    /// <summary>Events accepted the first time.</summary>
    public required int Accepted { get; init; }

    /// <summary>When the batch was accepted (UTC).</summary>
    public required DateTime CreatedAt { get; init; }
}
