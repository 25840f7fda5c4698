using AegisGuard.Cli;
using AegisGuard.Identity;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Orgs;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// The Data Protection key ring in data/keys: when it is missing, secrets fail as a state callers turn into 503 (never a
/// CryptographicException), no replacement ring is made behind the operator's back, and a restored old key file works
/// again — also next to a newer key that appeared meanwhile.
/// </summary>
public sealed class KeyRingTests
{
    [Fact]
    public void A_missing_ring_is_reported_and_makes_no_new_key_and_the_restored_old_key_works_next_to_a_newer_one()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        data.EnsureCreated();
        string oldSecret, keyId;
        using (var services = CliServices.Build(data))
        {
            var org = services.GetRequiredService<OrgDirectory>().Ensure("acme", "Acme");
            keyId = services.GetRequiredService<ApiKeyService>().Create(org.Id, "k", ["ingest"], "test").Id;
            oldSecret = services.GetRequiredService<SecretProtector>().ProtectApiKeySecret("written with the old key");
        }

        string saved = Path.Combine(dir.Path, "keys.saved");
        Directory.Move(data.KeysDir, saved);
        Directory.CreateDirectory(data.KeysDir);

        using (var services = CliServices.Build(data))
        {
            var health = services.GetRequiredService<HealthConditions>();
            Assert.False(services.GetRequiredService<KeyRingCheck>().Probe());
            var condition = health.Find(KeyRingCheck.Component);
            Assert.Equal(HealthImpact.NotReady, condition?.Impact);
            Assert.Contains("Restore data/keys from the backup taken with meta.db", condition!.Reason, StringComparison.Ordinal);

            var entry = services.GetRequiredService<OrgDirectory>().Find(services.GetRequiredService<MetadataStore>().FindOrgBySlug("acme")!.Id);
            Assert.NotNull(entry);
            Assert.False(entry.PiiKeyAvailable);
            Assert.Throws<KeyRingUnavailableException>(() => entry.PiiKey);
            Assert.Equal(ApiKeyLookupStatus.KeyRingUnavailable, services.GetRequiredService<ApiKeyService>().Lookup(keyId).Status);
            Assert.Throws<KeyRingUnavailableException>(() => services.GetRequiredService<SecretProtector>().ProtectApiKeySecret("new"));
            Assert.Empty(Directory.GetFiles(data.KeysDir)); // nothing replaced the ring
        }

        // A newer key appears anyway (say, made by hand or by an older version) and encrypts something.
        string newSecret;
        using (var services = CliServices.Build(data))
        {
            services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
            newSecret = services.GetRequiredService<SecretProtector>().ProtectApiKeySecret("written with the new key");
        }

        foreach (string file in Directory.GetFiles(saved))
        {
            File.Move(file, Path.Combine(data.KeysDir, Path.GetFileName(file)));
        }

        using (var services = CliServices.Build(data))
        {
            var protector = services.GetRequiredService<SecretProtector>();
            Assert.Equal("written with the old key", protector.UnprotectApiKeySecret(oldSecret));
            Assert.Equal("written with the new key", protector.UnprotectApiKeySecret(newSecret));
            Assert.True(services.GetRequiredService<KeyRingCheck>().Probe());
            Assert.Null(services.GetRequiredService<HealthConditions>().Find(KeyRingCheck.Component));
            Assert.Equal(ApiKeyLookupStatus.Found, services.GetRequiredService<ApiKeyService>().Lookup(keyId).Status);
        }
    }

    [Fact]
    public void A_new_data_directory_creates_its_ring_on_first_use()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        data.EnsureCreated();
        using var services = CliServices.Build(data);

        services.GetRequiredService<OrgDirectory>().Ensure(OrgDirectory.DefaultOrgSlug, "Default");

        Assert.True(KeyRingCheck.HasKeyFiles(data));
        Assert.True(services.GetRequiredService<KeyRingCheck>().Probe());
    }
}
