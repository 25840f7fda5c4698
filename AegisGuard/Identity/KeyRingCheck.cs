using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity;

/// <summary>
/// Whether the Data Protection key ring in <c>data/keys</c> can decrypt the secrets meta.db holds. A missing ring is not a
/// reason to refuse to start (telemetry stays readable on disk and the operator needs the appliance up to see what is
/// wrong), but it is a NotReady condition <c>key-ring</c> on the health board: API keys cannot be checked, so ingestion,
/// key use and sign-in answer 503 until the ring is restored. While meta.db holds secrets and the ring is empty, Data
/// Protection may not create a new key (<see cref="MayCreateKeys"/>): the restored old key files then work as they did.
/// </summary>
public sealed class KeyRingCheck(DataDirectory data, MetadataStore store, SecretProtector protector, HealthConditions health)
{
    /// <summary>The health board component.</summary>
    public const string Component = "key-ring";

    /// <summary>True when <c>data/keys</c> holds at least one key file.</summary>
    public static bool HasKeyFiles(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Directory.Exists(data.KeysDir) && Directory.EnumerateFiles(data.KeysDir, "key-*.xml").Any();
    }

    /// <summary>
    /// False while meta.db holds secrets but the ring is empty: a key made now would encrypt new secrets with a key no
    /// backup has, and nothing written before could be read with it anyway.
    /// </summary>
    public static bool MayCreateKeys(DataDirectory data, MetadataStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return HasKeyFiles(data) || !File.Exists(data.MetaDb) || store.FindProtectedPiiKey() is null;
    }

    /// <summary>Decrypts one of meta.db's secrets and reports (or clears) the <c>key-ring</c> condition. True when the ring works.</summary>
    public bool Probe()
    {
        string? sample = store.FindProtectedPiiKey();
        if (sample is null)
        {
            health.Clear(Component);
            return true;
        }

        try
        {
            protector.UnprotectPiiKey(sample);
            health.Clear(Component);
            return true;
        }
        catch (KeyRingUnavailableException ex)
        {
            health.Report(Component, HealthImpact.NotReady, Reason(ex));
            return false;
        }
    }

    /// <summary>Reports the condition after a secret failed to decrypt while running.</summary>
    public void ReportUnavailable(KeyRingUnavailableException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        health.Report(Component, HealthImpact.NotReady, Reason(exception));
    }

    private string Reason(KeyRingUnavailableException exception) => HasKeyFiles(data)
        ? $"{data.KeysDir} does not hold the Data Protection key that encrypted meta.db's secrets ({exception.Message}): API-key secrets, " +
          "org PII keys and the session signing key cannot be decrypted, so ingestion, API keys and sign-in answer 503. " +
          "Restore the key files (key-*.xml) from the backup taken with meta.db into data/keys (next to the ones there) and restart."
        : $"{data.KeysDir} holds no Data Protection key, but meta.db holds secrets encrypted with one: API-key secrets, org PII keys " +
          "and the session signing key cannot be decrypted, so ingestion, API keys and sign-in answer 503 (stored telemetry is intact). " +
          "Restore data/keys from the backup taken with meta.db and restart.";
}
