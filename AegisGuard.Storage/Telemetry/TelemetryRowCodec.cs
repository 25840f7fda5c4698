using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AegisGuard.Storage.Telemetry;

/// <summary>
/// The binary form of decoded, scrubbed rows inside an ingest log record. The ingest API decodes and scrubs a batch
/// once, before its 202, and appends the rows in this form; the pipeline reads them back without parsing JSON again,
/// and nothing the log keeps on disk is the raw (unscrubbed) payload.
/// </summary>
/// <remarks>
/// Layout: a row count, then per row its fields in a fixed order per signal. Integers are little-endian; times are
/// UTC ticks (8 bytes); strings are a 7-bit-encoded byte length followed by UTF-8 (nullable strings store length + 1,
/// 0 meaning null); optional numbers carry a presence byte. <see cref="TelemetryRow.SourceAddress"/> is not stored: it
/// is the record's own address, known only after the append, and given back by <see cref="Read"/>.
/// A format change needs a new record version (see the ingest envelope), never an edit of this one.
/// <para>Span rows have a layout version of their own, so that spans could gain fields without a new envelope version:
/// layout 1 (the first release) starts with the row count; layout 2 starts with <see cref="SpanLayout2Tag"/> (a value
/// no row count can take), then the count, and each row carries events, links and resource (optional texts) after
/// its attributes. Both are read; layout 2 is written.</para>
/// </remarks>
public static class TelemetryRowCodec
{
    /// <summary>Leads a span row list in layout 2; written as a row count of -2, which layout 1 never holds.</summary>
    private const int SpanLayout2Tag = -2;

    /// <summary>Appends <paramref name="rows"/> (all of <paramref name="signal"/>'s row type) to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A row is not of the signal's row type.</exception>
    public static void Write(IBufferWriter<byte> output, Signal signal, IReadOnlyList<TelemetryRow> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        var writer = new RowWriter(output);
        if (signal == Signal.Traces)
        {
            writer.Int(SpanLayout2Tag);
        }

        writer.Int(rows.Count);
        foreach (var row in rows)
        {
            switch (signal, row)
            {
                case (Signal.Logs, LogRecord log): WriteLog(ref writer, log); break;
                case (Signal.Metrics, MetricPoint metric): WriteMetric(ref writer, metric); break;
                case (Signal.Traces, SpanRecord span): WriteSpan(ref writer, span); break;
                case (Signal.Rum, RumEvent rum): WriteRum(ref writer, rum); break;
                default: throw new ArgumentException($"a {row.GetType().Name} is not a {signal} row", nameof(rows));
            }
        }
    }

    /// <summary>
    /// Reads the rows written by <see cref="Write"/>, stamping each with <paramref name="sourceAddress"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a complete, well-formed row list.</exception>
    public static IReadOnlyList<TelemetryRow> Read(ReadOnlySpan<byte> data, Signal signal, long sourceAddress)
    {
        var reader = new RowReader(data);
        int count = reader.Int();
        int spanLayout = 1;
        if (signal == Signal.Traces && count == SpanLayout2Tag)
        {
            spanLayout = 2;
            count = reader.Int();
        }

        if (count < 0 || count > data.Length)
        {
            throw new InvalidDataException($"the record claims {count} rows in {data.Length} bytes");
        }

        var rows = new List<TelemetryRow>(count);
        for (int i = 0; i < count; i++)
        {
            rows.Add(signal switch
            {
                Signal.Logs => ReadLog(ref reader, sourceAddress),
                Signal.Metrics => ReadMetric(ref reader, sourceAddress),
                Signal.Traces => ReadSpan(ref reader, sourceAddress, spanLayout),
                Signal.Rum => ReadRum(ref reader, sourceAddress),
                _ => throw new InvalidDataException($"unknown signal {(int)signal}"),
            });
        }

        if (!reader.AtEnd)
        {
            throw new InvalidDataException($"{reader.Remaining} bytes follow the last row");
        }

        return rows;
    }

    private static void WriteLog(ref RowWriter w, LogRecord r)
    {
        w.Int(r.SourceIndex);
        w.Time(r.Timestamp);
        w.Time(r.ReceivedAt);
        w.Text(r.Service);
        w.Text(r.Level);
        w.OptionalText(r.Host);
        w.Text(r.Message);
        w.OptionalText(r.TraceId);
        w.OptionalText(r.SpanId);
        w.Text(r.AttributesJson);
    }

    private static LogRecord ReadLog(ref RowReader r, long address) => new()
    {
        SourceAddress = address,
        SourceIndex = r.Int(),
        Timestamp = r.Time(),
        ReceivedAt = r.Time(),
        Service = r.Text(),
        Level = r.Text(),
        Host = r.OptionalText(),
        Message = r.Text(),
        TraceId = r.OptionalText(),
        SpanId = r.OptionalText(),
        AttributesJson = r.Text(),
    };

    private static void WriteMetric(ref RowWriter w, MetricPoint r)
    {
        w.Int(r.SourceIndex);
        w.Time(r.Timestamp);
        w.Text(r.Name);
        w.Text(r.Type);
        w.Double(r.Value);
        w.OptionalLong(r.Count);
        w.Int(r.BucketBounds?.Length ?? -1);
        if (r.BucketBounds is { } bounds)
        {
            long[] counts = r.BucketCounts ?? throw new ArgumentException("a histogram sample needs bucket counts");
            if (counts.Length != bounds.Length)
            {
                throw new ArgumentException("bucket bounds and counts differ in length");
            }

            for (int i = 0; i < bounds.Length; i++)
            {
                w.Double(bounds[i]);
                w.Long(counts[i]);
            }
        }

        w.Text(r.LabelsJson);
    }

    private static MetricPoint ReadMetric(ref RowReader r, long address)
    {
        int index = r.Int();
        var timestamp = r.Time();
        string name = r.Text();
        string type = r.Text();
        double value = r.Double();
        long? count = r.OptionalLong();
        int buckets = r.Int();
        double[]? bounds = null;
        long[]? counts = null;
        if (buckets >= 0)
        {
            if (buckets > r.Remaining / 16)
            {
                throw new InvalidDataException($"a sample claims {buckets} buckets in {r.Remaining} bytes");
            }

            bounds = new double[buckets];
            counts = new long[buckets];
            for (int i = 0; i < buckets; i++)
            {
                bounds[i] = r.Double();
                counts[i] = r.Long();
            }
        }

        return new MetricPoint
        {
            SourceAddress = address,
            SourceIndex = index,
            Timestamp = timestamp,
            Name = name,
            Type = type,
            Value = value,
            Count = count,
            BucketBounds = bounds,
            BucketCounts = counts,
            LabelsJson = r.Text(),
        };
    }

    private static void WriteSpan(ref RowWriter w, SpanRecord r)
    {
        w.Int(r.SourceIndex);
        w.Text(r.TraceId);
        w.Text(r.SpanId);
        w.OptionalText(r.ParentSpanId);
        w.Text(r.Service);
        w.Text(r.Name);
        w.Text(r.Kind);
        w.Time(r.Start);
        w.Time(r.End);
        w.Long(r.DurationMicros);
        w.Text(r.Status);
        w.OptionalText(r.StatusMessage);
        w.Text(r.AttributesJson);
        w.OptionalText(r.EventsJson);
        w.OptionalText(r.LinksJson);
        w.OptionalText(r.ResourceJson);
    }

    private static SpanRecord ReadSpan(ref RowReader r, long address, int layout) => new()
    {
        SourceAddress = address,
        SourceIndex = r.Int(),
        TraceId = r.Text(),
        SpanId = r.Text(),
        ParentSpanId = r.OptionalText(),
        Service = r.Text(),
        Name = r.Text(),
        Kind = r.Text(),
        Start = r.Time(),
        End = r.Time(),
        DurationMicros = r.Long(),
        Status = r.Text(),
        StatusMessage = r.OptionalText(),
        AttributesJson = r.Text(),
        EventsJson = layout >= 2 ? r.OptionalText() : null,
        LinksJson = layout >= 2 ? r.OptionalText() : null,
        ResourceJson = layout >= 2 ? r.OptionalText() : null,
    };

    private static void WriteRum(ref RowWriter w, RumEvent r)
    {
        w.Int(r.SourceIndex);
        w.Time(r.Timestamp);
        w.Text(r.Type);
        w.Text(r.SessionId);
        w.Text(r.Application);
        w.OptionalText(r.Url);
        w.OptionalText(r.VitalName);
        w.OptionalDouble(r.VitalValue);
        w.OptionalText(r.ErrorMessage);
        w.OptionalText(r.ErrorStack);
        w.OptionalText(r.ActionName);
        w.OptionalDouble(r.DurationMs);
        w.OptionalText(r.UserAgent);
        w.Text(r.AttributesJson);
    }

    private static RumEvent ReadRum(ref RowReader r, long address) => new()
    {
        SourceAddress = address,
        SourceIndex = r.Int(),
        Timestamp = r.Time(),
        Type = r.Text(),
        SessionId = r.Text(),
        Application = r.Text(),
        Url = r.OptionalText(),
        VitalName = r.OptionalText(),
        VitalValue = r.OptionalDouble(),
        ErrorMessage = r.OptionalText(),
        ErrorStack = r.OptionalText(),
        ActionName = r.OptionalText(),
        DurationMs = r.OptionalDouble(),
        UserAgent = r.OptionalText(),
        AttributesJson = r.Text(),
    };

    private ref struct RowWriter(IBufferWriter<byte> output)
    {
        private readonly IBufferWriter<byte> output = output;

        public readonly void Int(int value) => VarInt((uint)value);

        public readonly void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
            output.Advance(8);
        }

        public readonly void Double(double value) => Long(BitConverter.DoubleToInt64Bits(value));

        public readonly void Time(DateTime value) => Long(value.Ticks);

        public readonly void OptionalLong(long? value)
        {
            Byte(value.HasValue ? (byte)1 : (byte)0);
            if (value is { } v)
            {
                Long(v);
            }
        }

        public readonly void OptionalDouble(double? value)
        {
            Byte(value.HasValue ? (byte)1 : (byte)0);
            if (value is { } v)
            {
                Double(v);
            }
        }

        public readonly void Text(string value)
        {
            int bytes = Encoding.UTF8.GetByteCount(value);
            VarInt((uint)bytes);
            Utf8(value, bytes);
        }

        public readonly void OptionalText(string? value)
        {
            if (value is null)
            {
                VarInt(0);
                return;
            }

            int bytes = Encoding.UTF8.GetByteCount(value);
            VarInt((uint)bytes + 1);
            Utf8(value, bytes);
        }

        private readonly void Utf8(string value, int bytes)
        {
            if (bytes == 0)
            {
                return;
            }

            int written = Encoding.UTF8.GetBytes(value, output.GetSpan(bytes));
            output.Advance(written);
        }

        private readonly void Byte(byte value)
        {
            output.GetSpan(1)[0] = value;
            output.Advance(1);
        }

        private readonly void VarInt(uint value)
        {
            var span = output.GetSpan(5);
            int i = 0;
            while (value >= 0x80)
            {
                span[i++] = (byte)(value | 0x80);
                value >>= 7;
            }

            span[i++] = (byte)value;
            output.Advance(i);
        }
    }

    private ref struct RowReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly bool AtEnd => position == data.Length;

        public readonly int Remaining => data.Length - position;

        public int Int() => (int)VarInt();

        public long Long()
        {
            Need(8);
            long value = BinaryPrimitives.ReadInt64LittleEndian(data[position..]);
            position += 8;
            return value;
        }

        public double Double() => BitConverter.Int64BitsToDouble(Long());

        public DateTime Time()
        {
            long ticks = Long();
            if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            {
                throw new InvalidDataException($"a time of {ticks} ticks is out of range");
            }

            return new DateTime(ticks, DateTimeKind.Utc);
        }

        public long? OptionalLong() => Byte() == 0 ? null : Long();

        public double? OptionalDouble() => Byte() == 0 ? null : Double();

        public string Text() => Utf8((int)VarInt());

        public string? OptionalText()
        {
            uint length = VarInt();
            return length == 0 ? null : Utf8((int)(length - 1));
        }

        private string Utf8(int length)
        {
            if (length < 0)
            {
                throw new InvalidDataException("a negative string length");
            }

            Need(length);
            string value = length == 0 ? string.Empty : Encoding.UTF8.GetString(data.Slice(position, length));
            position += length;
            return value;
        }

        private byte Byte()
        {
            Need(1);
            return data[position++];
        }

        private uint VarInt()
        {
            uint value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                byte b = Byte();
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new InvalidDataException("a malformed length");
        }

        private readonly void Need(int bytes)
        {
            if (bytes > data.Length - position)
            {
                throw new InvalidDataException($"the record ends {bytes - (data.Length - position)} bytes early");
            }
        }
    }
}
