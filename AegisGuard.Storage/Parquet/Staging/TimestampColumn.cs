using DuckDB.NET.Data.DataChunk.Writer;

namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>A non-null TIMESTAMP column kept as ticks (the kind is not stored: DuckDB's TIMESTAMP has none either).</summary>
internal sealed class TimestampColumn : ColumnBuffer
{
    private long[] ticks = [];

    public override Type ClrType => typeof(DateTime);

    public void Add(DateTime value)
    {
        Ensure(ref ticks, Count + 1);
        ticks[Count++] = value.Ticks;
    }

    public DateTime this[int index] => new(ticks[index], DateTimeKind.Utc);

    public override void Truncate(int count) => Count = count;

    public override void Write(IDuckDBDataWriter writer, int index, ulong row) => writer.WriteValue(new DateTime(ticks[index], DateTimeKind.Utc), row);
}
