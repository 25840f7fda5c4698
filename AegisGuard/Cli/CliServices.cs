using AegisGuard.Audit;
using AegisGuard.Hosting;
using AegisGuard.Identity;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Identity.Instance;
using AegisGuard.Identity.Invitations;
using AegisGuard.Orgs;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;

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
        .AddSingleton(sp => AegisHost.OpenMetadata(data, sp.GetRequiredService<TimeProvider>()))
        .AddAegisDataProtection()
        .AddSingleton<OrgDirectory>()
        .AddSingleton<ApiKeyService>()
        .AddSingleton<AuditLog>()
        .AddSingleton<InvitationService>()
        .AddSingleton<InstanceOrgs>()
        .BuildServiceProvider();

    /// <summary>
    /// The data directory named by <paramref name="args"/>, checked as the server checks it (a lost or damaged meta.db is
    /// refused with <see cref="StartupRefusedException"/>, never re-created), with org <c>default</c> and the instance marker.
    /// </summary>
    public static ServiceProvider Open(string[] args, out DataDirectory data)
    {
        data = new DataDirectory(DataDirResolver.Resolve(args));
        DataDirectoryCheck.EnsureMetadataUsable(data);
        data.EnsureCreated();
        var services = Build(data);
        try
        {
            services.GetRequiredService<OrgDirectory>().Ensure(OrgDirectory.DefaultOrgSlug, "Default");
            try
            {
                InstanceMarker.EnsureWritten(data, TimeProvider.System);
            }
            catch (IOException)
            {
                // E.g. a full disk: meta.db itself marks the directory as in use; the next start writes the marker.
            }

            return services;
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }
}
