using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit.Sinks;

/// <summary>A receiver of audit entries. <see cref="SendAsync"/> throws when the batch may not have arrived.</summary>
public interface IAuditSink : IAsyncDisposable
{
    /// <summary>Where it sends, for health reasons and logs (never the secret).</summary>
    string Describe { get; }

    Task SendAsync(IReadOnlyList<AuditEntry> batch, CancellationToken cancellationToken);
}
