namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>
    /// The stored value named <paramref name="name"/>, created with <paramref name="create"/> the first time.
    /// Two processes racing to create it both end up with the first one written.
    /// </summary>
    public string GetOrCreateSecret(string name, Func<string> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        using var connection = Open();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT value FROM secrets WHERE name = $name";
            read.Parameters.AddWithValue("$name", name);
            if (read.ExecuteScalar() is string existing)
            {
                return existing;
            }
        }

        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO secrets (name, value, created_at) VALUES ($name, $value, $now) ON CONFLICT (name) DO NOTHING";
            insert.Parameters.AddWithValue("$name", name);
            insert.Parameters.AddWithValue("$value", create());
            insert.Parameters.AddWithValue("$now", ToMillis(time.GetUtcNow().UtcDateTime));
            insert.ExecuteNonQuery();
        }

        using var again = connection.CreateCommand();
        again.CommandText = "SELECT value FROM secrets WHERE name = $name";
        again.Parameters.AddWithValue("$name", name);
        return (string)again.ExecuteScalar()!;
    }
}
