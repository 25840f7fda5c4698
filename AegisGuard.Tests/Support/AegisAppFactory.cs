using AegisGuard.Identity.ApiKeys;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AegisGuard.Tests.Support;

/// <summary>
/// The real appliance in-process (WebApplicationFactory) on a temp data directory of its own. Settings can be
/// overridden per factory, e.g. a tiny free-disk threshold or a short flush interval.
/// </summary>
public sealed class AegisAppFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory directory = new();
    private readonly Dictionary<string, string?> settings;

    public AegisAppFactory(IDictionary<string, string?>? settings = null)
    {
        this.settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Aegis:DataDir"] = directory.Path,
        };
        this.settings.TryAdd("Aegis:Pipeline:FlushInterval", "00:00:00.200");

        // Hundreds of hosts start in one run: keep their console quiet so a failure's own output stands out.
        this.settings.TryAdd("Logging:LogLevel:Default", "Warning");
    }

    public string DataDir => directory.Path;

    /// <summary>A clock for the whole app (e.g. a FakeTimeProvider to move time), or null for the system clock.</summary>
    public TimeProvider? Time { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (Time is { } time)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(time);
            });
        }
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates an org (or returns the existing one) and an API key in it.</summary>
    public (Org Org, CreatedApiKey Key) CreateKey(string orgSlug = OrgDirectory.DefaultOrgSlug, string scopes = "ingest,read")
    {
        var org = Service<OrgDirectory>().Ensure(orgSlug, orgSlug);
        var key = Service<ApiKeyService>().Create(org.Id, "test", ApiKeyScopes.Parse(scopes, out _)!, "test");
        return (org, key);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            directory.Dispose();
        }
    }
}
