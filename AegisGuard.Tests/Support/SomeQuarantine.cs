using AegisGuard.Ingest;
using AegisGuard.Storage.Quarantine;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Support;

/// <summary>Test data for the quarantine: valid log batches set aside as the pipeline does when it cannot store a record.</summary>
public static class SomeQuarantine
{
    /// <summary>A stored row with <paramref name="message"/>, at item <paramref name="index"/>.</summary>
    public static LogRecord Row(string message, int index = 0) => new()
    {
        SourceIndex = index,
        Timestamp = DateTime.UtcNow,
        ReceivedAt = DateTime.UtcNow,
        Service = "api",
        Level = "info",
        Message = message,
        AttributesJson = "{}",
    };

    /// <summary>Sets a batch of <paramref name="messages"/> of <paramref name="orgId"/> aside in <paramref name="store"/>; returns its id.</summary>
    public static string SetAside(QuarantineStore store, int orgId, string reason, params string[] messages)
    {
        ArgumentNullException.ThrowIfNull(store);
        var envelope = new IngestEnvelope(Signal.Logs, orgId, DateTime.UtcNow, Guid.NewGuid(), messages.Length);
        byte[] record = envelope.ToRecord(null, [.. messages.Select((m, i) => Row(m, i))]);
        long address = 1_000_000 + Random.Shared.Next(1_000_000);
        return store.Put(new QuarantinedRecord
        {
            Id = QuarantineStore.IdOf(address, envelope.BatchId),
            Address = address,
            OrgId = orgId,
            Signal = "logs",
            BatchId = envelope.BatchId.ToString("N"),
            ReceivedAt = envelope.ReceivedAt,
            ItemCount = messages.Length,
            Stage = "stage",
            Reason = reason,
            QuarantinedAt = DateTime.UtcNow,
            Bytes = record.Length,
            State = QuarantineStore.Quarantined,
        }, record).Id;
    }
}
