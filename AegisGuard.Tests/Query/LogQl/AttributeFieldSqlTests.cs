using AegisGuard.Storage.Logs;
using AegisGuard.Storage.Parquet.Logs;
using DuckDB.NET.Data;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// An attribute's SQL skips the JSON parse for values that cannot hold the key (no quoted key, no backslash escape):
/// the answers must be those of the full parse, whichever way the key and value are written.
/// </summary>
public sealed class AttributeFieldSqlTests
{
    [Theory]
    [InlineData("{\"region\":\"eu\"}", "region", "eu")]
    [InlineData("{\"r\\u0065gion\":\"eu\"}", "region", "eu")]
    [InlineData("{\"region\":\"z\\u00fcrich\"}", "region", "zürich")]
    [InlineData("{\"regions\":\"eu\",\"xregion\":\"us\"}", "region", null)]
    [InlineData("{\"x\":\"region\",\"y\":\"\\\"region\\\"\"}", "region", null)]
    [InlineData("{\"http.route\":\"/a\"}", "http.route", "/a")]
    [InlineData("{\"http\":{\"route\":\"/b\"}}", "http.route", "/b")]
    [InlineData("{\"http\":{\"r\\u006fute\":\"/c\"}}", "http.route", "/c")]
    [InlineData("{\"route\":\"/d\"}", "http.route", null)]
    [InlineData("not json \"region\" at all", "region", null)]
    [InlineData("{\"region\":", "region", null)]
    [InlineData("{}", "region", null)]
    public void An_attribute_reads_the_same_whether_its_key_is_written_verbatim_or_escaped(string attributes, string name, string? expected)
    {
        var sql = new LogSqlBuilder();
        string field = sql.Field(LogField.Attribute(name));
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {field} FROM (SELECT $attributes AS attributes)";
        command.Parameters.Add(new DuckDBParameter("attributes", attributes));
        foreach (var (key, value) in sql.Parameters)
        {
            command.Parameters.Add(new DuckDBParameter(key, value));
        }

        object? found = command.ExecuteScalar();

        Assert.Equal(expected, found is null or DBNull ? null : (string)found);
    }
}
