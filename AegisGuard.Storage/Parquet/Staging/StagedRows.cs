namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>The staged rows of one partition: a buffer per column, their count and time range.</summary>
internal sealed class StagedRows(ColumnBuffer[] buffers)
{
    public ColumnBuffer[] Buffers { get; } = buffers;

    public int Rows { get; private set; }

    public DateTime Min { get; private set; } = DateTime.MaxValue;

    public DateTime Max { get; private set; } = DateTime.MinValue;

    /// <summary>Where a staging batch began, to roll back to.</summary>
    public (int Rows, DateTime Min, DateTime Max) Mark() => (Rows, Min, Max);

    public void Added(DateTime time)
    {
        Rows++;
        if (time < Min)
        {
            Min = time;
        }

        if (time > Max)
        {
            Max = time;
        }
    }

    /// <summary>Forgets every row after <paramref name="mark"/> — in every column, so the columns stay aligned.</summary>
    public void RollBack((int Rows, DateTime Min, DateTime Max) mark)
    {
        foreach (var buffer in Buffers)
        {
            buffer.Truncate(mark.Rows);
        }

        (Rows, Min, Max) = mark;
    }

    public void Release()
    {
        foreach (var buffer in Buffers)
        {
            buffer.Release();
        }
    }
}
