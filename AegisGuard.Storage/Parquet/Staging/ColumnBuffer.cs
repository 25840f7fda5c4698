using DuckDB.NET.Data.DataChunk.Writer;

namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>
/// One column of staged rows kept in flat arrays (no object per row): the normalizer stages every batch as it arrives
/// and the rows wait up to a flush interval, so they must not be objects the garbage collector traces and promotes.
/// </summary>
internal abstract class ColumnBuffer
{
    /// <summary>Values held.</summary>
    public int Count { get; protected set; }

    /// <summary>The .NET type the DuckDB table function declares for the column (it picks the SQL type).</summary>
    public abstract Type ClrType { get; }

    /// <summary>Forgets every value after the first <paramref name="count"/> (a staging batch rolled back).</summary>
    public abstract void Truncate(int count);

    /// <summary>Writes value <paramref name="index"/> into row <paramref name="row"/> of a DuckDB data chunk.</summary>
    public abstract void Write(IDuckDBDataWriter writer, int index, ulong row);

    /// <summary>Gives pooled memory back; the buffer is not used after.</summary>
    public virtual void Release()
    {
    }

    /// <summary>Grows <paramref name="array"/> so that it holds at least <paramref name="needed"/> items.</summary>
    protected static void Ensure<TValue>(ref TValue[] array, int needed)
    {
        if (needed > array.Length)
        {
            Array.Resize(ref array, Math.Max(needed, Math.Max(16, array.Length * 2)));
        }
    }
}
