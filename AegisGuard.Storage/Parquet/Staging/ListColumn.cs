using DuckDB.NET.Data.DataChunk.Writer;

namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>A list column (<c>DOUBLE[]</c>, <c>BIGINT[]</c>), NULL allowed: every element in one flat array plus offsets.</summary>
internal sealed class ListColumn<TValue> : ColumnBuffer
    where TValue : unmanaged
{
    private TValue[] values = [];
    private int used;
    private int[] starts = [];
    private int[] lengths = [];

    public override Type ClrType => typeof(List<TValue>);

    public void Add(TValue[]? list)
    {
        Ensure(ref starts, Count + 1);
        Ensure(ref lengths, Count + 1);
        starts[Count] = used;
        lengths[Count] = list?.Length ?? -1;
        if (list is not null)
        {
            Ensure(ref values, used + list.Length);
            list.CopyTo(values, used);
            used += list.Length;
        }

        Count++;
    }

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
            writer.WriteValue(new List<TValue>(values.AsSpan(starts[index], lengths[index]).ToArray()), row);
        }
    }
}
