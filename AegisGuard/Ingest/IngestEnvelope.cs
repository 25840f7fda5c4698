using System.Buffers.Binary;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest;

/// <summary>
/// The ingest log record of one accepted batch: a 36-byte header (version, signal, org, received time, batch id,
/// item count) followed by the batch's JSON exactly as validated (decompressed). One record per HTTP batch,
/// not per event: the log's throughput is in records per second.
/// </summary>
public readonly record struct IngestEnvelope(Signal Signal, int OrgId, DateTime ReceivedAt, Guid BatchId, int ItemCount)
{
    public const int HeaderSize = 36;
    private const byte Version = 1;

    /// <summary>Writes the header into the first <see cref="HeaderSize"/> bytes of <paramref name="record"/>.</summary>
    public void WriteHeader(Span<byte> record)
    {
        record[0] = Version;
        record[1] = (byte)Signal;
        record[2] = 0;
        record[3] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], OrgId);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], (ReceivedAt - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
        BatchId.TryWriteBytes(record[16..32]);
        BinaryPrimitives.WriteInt32LittleEndian(record[32..], ItemCount);
    }

    /// <summary>Reads a header; false when the record is too short or of an unknown version.</summary>
    public static bool TryRead(ReadOnlySpan<byte> record, out IngestEnvelope envelope)
    {
        envelope = default;
        if (record.Length < HeaderSize || record[0] != Version || !Enum.IsDefined((Signal)record[1]))
        {
            return false;
        }

        long micros = BinaryPrimitives.ReadInt64LittleEndian(record[8..]);
        envelope = new IngestEnvelope(
            (Signal)record[1],
            BinaryPrimitives.ReadInt32LittleEndian(record[4..]),
            DateTime.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond),
            new Guid(record[16..32]),
            BinaryPrimitives.ReadInt32LittleEndian(record[32..]));
        return true;
    }
}
