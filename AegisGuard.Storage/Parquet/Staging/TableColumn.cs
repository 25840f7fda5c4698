namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>
/// One column of a signal's table: its Parquet/DuckDB name, and how a row fills the staging buffer of that column.
/// The SQL type follows from the buffer (<see cref="ColumnBuffer.ClrType"/>), so name and value cannot disagree.
/// </summary>
internal sealed class TableColumn<T>(string name, Func<ColumnBuffer> create, Action<ColumnBuffer, int, T> add)
{
    /// <summary>The column's name in the files.</summary>
    public string Name { get; } = name;

    /// <summary>A new, empty buffer for this column.</summary>
    public ColumnBuffer CreateBuffer() => create();

    /// <summary>Adds the value of <paramref name="row"/> (of org <paramref name="orgId"/>) to <paramref name="buffer"/>.</summary>
    public void Add(ColumnBuffer buffer, int orgId, T row) => add(buffer, orgId, row);
}
