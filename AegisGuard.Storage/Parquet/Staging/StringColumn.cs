using System.Buffers;
using System.Text;
using DuckDB.NET.Data.DataChunk.Writer;

namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>
/// A VARCHAR column, NULL allowed: the UTF-8 bytes of every value in one pooled byte array plus offsets, so a second of
/// staged messages is one array the collector never scans instead of a string object per value.
/// </summary>
/// <remarks>
/// Encoding is strict: a string that is not valid UTF-16 (a lone surrogate) has no UTF-8 form, and DuckDB would refuse
/// it when the file is written. Refusing it here fails the one batch that holds it (quarantined) instead of every later
/// flush of its partition.
/// </remarks>
internal sealed class StringColumn : ColumnBuffer
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] bytes = [];
    private int used;
    private int[] starts = [];
    private int[] lengths = [];

    public override Type ClrType => typeof(string);

    /// <summary>Bytes held (for tests and memory accounting).</summary>
    public int ByteCount => used;

    public void Add(string? value)
    {
        Ensure(ref starts, Count + 1);
        Ensure(ref lengths, Count + 1);
        if (value is null)
        {
            starts[Count] = used;
            lengths[Count] = -1;
            Count++;
            return;
        }

        int length;
        try
        {
            length = Strict.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new InvalidDataException($"A text value is not valid Unicode (lone surrogate at index {ex.Index}).", ex);
        }

        if ((long)used + length > Array.MaxLength)
        {
            throw new InvalidDataException("Too much text staged for one partition.");
        }

        if (used + length > bytes.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(used + length, Math.Max(64 * 1024, bytes.Length * 2)));
            bytes.AsSpan(0, used).CopyTo(grown);
            ReturnBytes();
            bytes = grown;
        }

        Strict.GetBytes(value, bytes.AsSpan(used, length));
        starts[Count] = used;
        lengths[Count] = length;
        used += length;
        Count++;
    }

    public string? this[int index] => lengths[index] < 0 ? null : Encoding.UTF8.GetString(bytes, starts[index], lengths[index]);

    public override void Truncate(int count)
    {
        if (count < Count)
        {
            used = count == 0 ? 0 : starts[count];
        }

        Count = count;
    }

    public override void Write(IDuckDBDataWriter writer, int index, ulong row)
    {
        if (lengths[index] < 0)
        {
            writer.WriteNull(row);
        }
        else
        {
            writer.WriteValue(Encoding.UTF8.GetString(bytes, starts[index], lengths[index]), row);
        }
    }

    public override void Release()
    {
        ReturnBytes();
        bytes = [];
        used = 0;
        Count = 0;
    }

    private void ReturnBytes()
    {
        if (bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
