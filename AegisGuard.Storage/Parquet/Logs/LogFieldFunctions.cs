using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Logs;

/// <summary>
/// DuckDB scalar functions that extract one <c>| json</c> or <c>| logfmt</c> field from a message the way Loki does
/// (<see cref="JsonFields"/>, <see cref="LogfmtFields"/>): DuckDB's own JSON functions reformat numbers
/// (<c>2.50</c> → <c>2.5</c>) and know neither Loki's flattened names nor logfmt, and regular expressions cannot
/// tokenise logfmt. The functions are pure and stateless, so registering them once per database is enough.
/// </summary>
internal static class LogFieldFunctions
{
    /// <summary>ag_json_field(message, name): the value as text, NULL when the message has no such field.</summary>
    public const string Json = "ag_json_field";

    /// <summary>ag_logfmt_field(message, name): the value as text, NULL when the message has no such field.</summary>
    public const string Logfmt = "ag_logfmt_field";

    /// <summary>Registers both functions in the database behind <paramref name="connection"/>.</summary>
    public static void Register(DuckDBConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Register(connection, Json, JsonFields.Find);
        Register(connection, Logfmt, LogfmtFields.Find);
    }

    private static void Register(DuckDBConnection connection, string name, Func<string, string, string?> find)
    {
        try
        {
            connection.RegisterScalarFunction<string, string, string>(name, (readers, writer, rows) =>
            {
                for (ulong row = 0; row < rows; row++)
                {
                    if (readers[0].IsValid(row) && readers[1].IsValid(row)
                        && find(readers[0].GetValue<string>(row), readers[1].GetValue<string>(row)) is { } value)
                    {
                        writer.WriteValue(value, row);
                    }
                    else
                    {
                        writer.WriteNull(row);
                    }
                }
            });
        }
        catch (InvalidOperationException) when (Exists(connection, name))
        {
            // Another engine of this process registered it in the shared database first: the same function.
        }
    }

    private static bool Exists(DuckDBConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM duckdb_functions() WHERE function_name = $name";
        command.Parameters.Add(new DuckDBParameter("name", name));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
