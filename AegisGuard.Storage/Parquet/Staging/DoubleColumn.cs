using DuckDB.NET.Data.DataChunk.Writer;

namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>A DOUBLE column, NULL allowed.</summary>
internal sealed class DoubleColumn : ColumnBuffer
{
    private double[] values = [];
    private bool[] nulls = [];

    public override Type ClrType => typeof(double);

    public void Add(double? value)
    {
        Ensure(ref values, Count + 1);
        Ensure(ref nulls, Count + 1);
        values[Count] = value.GetValueOrDefault();
        nulls[Count] = !value.HasValue;
        Count++;
    }

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
