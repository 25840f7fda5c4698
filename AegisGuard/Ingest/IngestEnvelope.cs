using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest;

/// <summary>
/// The ingest log record of one accepted batch. One record per HTTP batch, not per event: the log's throughput is in
/// records per second.
/// <para>Version 2 (written today): a 40-byte header (version, signal, flags, org, received time, batch id, item count,
/// rows length), the idempotency stamp when the request carried <c>x-idempotency-key</c> (so the key is durable in the
/// same write as the batch it answers for), then the batch's decoded and scrubbed rows in
/// <see cref="TelemetryRowCodec"/> form. Nothing raw from the request body reaches the log.</para>
/// <para>Version 1 (written by earlier releases, still read): a 36-byte header followed by the validated request JSON.</para>
/// </summary>
public readonly record struct IngestEnvelope(Signal Signal, int OrgId, DateTime ReceivedAt, Guid BatchId, int ItemCount)
{
    /// <summary>Header size of a version 1 record (JSON payload).</summary>
    public const int LegacyHeaderSize = 36;

    /// <summary>Header size of a version 2 record.</summary>
    public const int HeaderSize = 40;

    /// <summary>The version this code writes.</summary>
    public const byte CurrentVersion = 2;

    private const byte LegacyVersion = 1;
    private const byte HasIdempotency = 1;

    /// <summary>
    /// Builds a complete version 2 record in one array: the same bytes <see cref="WriteRecord"/> writes, with the rows
    /// length in the header.
    /// </summary>
    public byte[] ToRecord(IdempotencyStamp? stamp, IReadOnlyList<TelemetryRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new RecordBuffer(HeaderSize + 256 + (rows.Count * 128));
        WriteRecord(buffer, stamp, rows);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a complete version 2 record into <paramref name="output"/> and returns its length.</summary>
    public int WriteRecord(RecordBuffer output, IdempotencyStamp? stamp, IReadOnlyList<TelemetryRow> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        int start = output.WrittenCount;
        var header = output.GetSpan(HeaderSize)[..HeaderSize];
        header.Clear();
        header[0] = CurrentVersion;
        header[1] = (byte)Signal;
        header[2] = stamp is null ? (byte)0 : HasIdempotency;
        WriteCommon(header);
        output.Advance(HeaderSize);
        stamp?.WriteTo(output);
        int rowsStart = output.WrittenCount;
        TelemetryRowCodec.Write(output, Signal, rows);
        int rowsLength = output.WrittenCount - rowsStart;
        BinaryPrimitives.WriteInt32LittleEndian(output.WrittenSpan[(start + 36)..(start + 40)], rowsLength);
        return output.WrittenCount - start;
    }

    private void WriteCommon(Span<byte> header)
    {
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], OrgId);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], (ReceivedAt - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
        BatchId.TryWriteBytes(header[16..32]);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], ItemCount);
    }

    /// <summary>
    /// Reads a record of either version; false when it is too short, of an unknown version or inconsistent.
    /// <paramref name="record"/> describes where its parts are.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out IngestEnvelope envelope, out IngestRecordLayout record)
    {
        envelope = default;
        record = default;
        if (bytes.Length < LegacyHeaderSize || bytes[0] is not (LegacyVersion or CurrentVersion) || !Enum.IsDefined((Signal)bytes[1]))
        {
            return false;
        }

        long micros = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        if (micros < 0 || micros > (DateTime.MaxValue - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond)
        {
            return false;
        }

        envelope = new IngestEnvelope(
            (Signal)bytes[1],
            BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]),
            DateTime.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond),
            new Guid(bytes[16..32]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[32..]));
        if (bytes[0] == LegacyVersion)
        {
            record = new IngestRecordLayout(LegacyVersion, null, LegacyHeaderSize, bytes.Length - LegacyHeaderSize);
            return true;
        }

        if (bytes.Length < HeaderSize)
        {
            return false;
        }

        int rowsLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[36..]);
        int at = HeaderSize;
        IdempotencyStamp? stamp = null;
        if ((bytes[2] & HasIdempotency) != 0)
        {
            if (!IdempotencyStamp.TryRead(bytes[at..], out var read, out int used))
            {
                return false;
            }

            stamp = read;
            at += used;
        }

        if (rowsLength < 0 || rowsLength != bytes.Length - at)
        {
            return false;
        }

        record = new IngestRecordLayout(CurrentVersion, stamp, at, rowsLength);
        return true;
    }
}

/// <summary>Where the parts of a read record are.</summary>
/// <param name="Version">1: the payload is the request JSON; 2: the payload is <see cref="TelemetryRowCodec"/> rows.</param>
/// <param name="Idempotency">The idempotency stamp carried by a version 2 record, if any.</param>
/// <param name="PayloadOffset">Where the payload starts.</param>
/// <param name="PayloadLength">Bytes of payload.</param>
public readonly record struct IngestRecordLayout(byte Version, IdempotencyStamp? Idempotency, int PayloadOffset, int PayloadLength);

/// <summary>
/// The client's <c>x-idempotency-key</c> and the SHA-256 of the body it came with, carried inside the record so that
/// the key is exactly as durable as the batch.
/// </summary>
/// <param name="Key">The key as sent (1 to 128 printable characters).</param>
/// <param name="BodySha256">SHA-256 of the raw body as sent (before gzip decompression).</param>
public sealed record IdempotencyStamp(string Key, byte[] BodySha256)
{
    /// <summary>Writes [key byte length: 2][key UTF-8][32-byte hash]; returns the bytes written.</summary>
    public int WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int keyBytes = Encoding.UTF8.GetByteCount(Key);
        int total = 2 + keyBytes + 32;
        var span = output.GetSpan(total);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)keyBytes);
        Encoding.UTF8.GetBytes(Key, span[2..]);
        BodySha256.AsSpan(0, 32).CopyTo(span[(2 + keyBytes)..]);
        output.Advance(total);
        return total;
    }

    /// <summary>Reads a stamp written by <see cref="WriteTo"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out IdempotencyStamp stamp, out int used)
    {
        stamp = null!;
        used = 0;
        if (bytes.Length < 2)
        {
            return false;
        }

        int keyBytes = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
        if (keyBytes is 0 or > 1024 || bytes.Length < 2 + keyBytes + 32)
        {
            return false;
        }

        stamp = new IdempotencyStamp(Encoding.UTF8.GetString(bytes.Slice(2, keyBytes)), bytes.Slice(2 + keyBytes, 32).ToArray());
        used = 2 + keyBytes + 32;
        return true;
    }

    /// <summary>The hash as lower-case hex (as meta.db stores it).</summary>
    public string BodySha256Hex => Convert.ToHexStringLower(BodySha256);
}
