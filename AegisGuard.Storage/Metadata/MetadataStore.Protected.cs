namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>
    /// The protected PII key of the oldest org, or null when meta.db holds no org. Every org has one, encrypted with the
    /// Data Protection key ring like the API-key secrets, so start-up decrypts it to tell whether <c>data/keys</c> still
    /// holds the ring meta.db needs, and a new ring must not be made while meta.db holds one.
    /// </summary>
    public string? FindProtectedPiiKey()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pii_key FROM orgs ORDER BY id LIMIT 1";
        return command.ExecuteScalar() as string;
    }
}
