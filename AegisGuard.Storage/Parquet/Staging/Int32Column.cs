using DuckDB.NET.Data.DataChunk.Writer;

namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>A non-null INTEGER column.</summary>
internal sealed class Int32Column : ColumnBuffer
{
    private int[] values = [];

    public override Type ClrType => typeof(int);

    public void Add(int value)
    {
        Ensure(ref values, Count + 1);
        values[Count++] = value;
    }

    public int this[int index] => values[index];

    public override void Truncate(int count) => Count = count;

    public override void Write(IDuckDBDataWriter writer, int index, ulong row) => writer.WriteValue(values[index], row);
}
