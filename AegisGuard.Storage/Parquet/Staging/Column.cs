namespace AegisGuard.Storage.Parquet.Staging;

/// <summary>Short constructors for a schema's <see cref="TableColumn{T}"/> list, one per column type.</summary>
internal static class Column
{
    /// <summary>The <c>org_id INTEGER</c> column every table starts with.</summary>
    public static TableColumn<T> OrgId<T>() =>
        new("org_id", () => new Int32Column(), (b, org, _) => ((Int32Column)b).Add(org));

    public static TableColumn<T> Integer<T>(string name, Func<T, int> value) =>
        new(name, () => new Int32Column(), (b, _, r) => ((Int32Column)b).Add(value(r)));

    public static TableColumn<T> BigInt<T>(string name, Func<T, long?> value) =>
        new(name, () => new NullableColumn<long>(), (b, _, r) => ((NullableColumn<long>)b).Add(value(r)));

    public static TableColumn<T> Double<T>(string name, Func<T, double?> value) =>
        new(name, () => new NullableColumn<double>(), (b, _, r) => ((NullableColumn<double>)b).Add(value(r)));

    public static TableColumn<T> Timestamp<T>(string name, Func<T, DateTime> value) =>
        new(name, () => new TimestampColumn(), (b, _, r) => ((TimestampColumn)b).Add(value(r)));

    public static TableColumn<T> Varchar<T>(string name, Func<T, string?> value) =>
        new(name, () => new StringColumn(), (b, _, r) => ((StringColumn)b).Add(value(r)));

    public static TableColumn<T> List<T, TValue>(string name, Func<T, TValue[]?> value)
        where TValue : unmanaged =>
        new(name, () => new ListColumn<TValue>(), (b, _, r) => ((ListColumn<TValue>)b).Add(value(r)));
}
