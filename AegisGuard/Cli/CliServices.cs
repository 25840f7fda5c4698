using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Orgs;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Cli;

/// <summary>
/// The services the offline verbs need, on the data directory itself (SQLite in WAL mode and the shared Data
/// Protection key ring), so they work while the server runs on the same directory.
/// </summary>
internal static class CliServices
{
    public static ServiceProvider Build(DataDirectory data) => new ServiceCollection()
        .AddLogging()
        .AddSingleton(TimeProvider.System)
        .AddSingleton(data)
        .AddSingleton(sp => new HealthConditions(sp.GetRequiredService<TimeProvider>()))
        .AddSingleton(sp => new MetadataStore(data.MetaDb, sp.GetRequiredService<TimeProvider>()))
        .AddAegisDataProtection()
        .AddSingleton<OrgDirectory>()
        .AddSingleton<ApiKeyService>()
        .AddSingleton<AuditLog>()
        .BuildServiceProvider();
}
