using DuckDB.NET.Data.DataChunk.Writer;

namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>A column of numbers, NULL allowed: BIGINT for <see cref="long"/>, DOUBLE for <see cref="double"/>.</summary>
internal sealed class NullableColumn<TValue> : ColumnBuffer
    where TValue : struct
{
    private TValue[] values = [];
    private bool[] nulls = [];

    public override Type ClrType => typeof(TValue);

    public void Add(TValue? value)
    {
        Ensure(ref values, Count + 1);
        Ensure(ref nulls, Count + 1);
        values[Count] = value.GetValueOrDefault();
        nulls[Count] = !value.HasValue;
        Count++;
    }

    public TValue? this[int index] => nulls[index] ? null : values[index];

    public override void Truncate(int count) => Count = count;

    public override void Write(IDuckDBDataWriter writer, int index, ulong row)
    {
        if (nulls[index])
        {
            writer.WriteNull(row);
        }
        else
        {
            writer.WriteValue(values[index], row);
        }
    }
}
