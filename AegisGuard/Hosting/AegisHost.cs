using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Ingest;
using AegisGuard.Orgs;
using AegisGuard.Pages;
using AegisGuard.Pipeline;
using AegisGuard.Query.LogQl;
using AegisGuard.Query.Logs;
using AegisGuard.Query.Metrics;
using AegisGuard.Query.Prometheus;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Parquet;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace AegisGuard.Hosting;

/// <summary>Composes the web appliance: the table of contents of what runs in the process.</summary>
public static class AegisHost
{
    public static WebApplication Build(string[] args)
    {
        // Next to the executable, not the working directory: appsettings.json travels with the binary.
        bool contentRootGiven = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRootGiven ? null : AppContext.BaseDirectory,
        });
        DataDirResolver.AddDataDirSources(builder.Configuration, args);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false; // no product banner for scanners
            kestrel.ConfigureEndpointDefaults(listen => listen.UseRejectionHeaders());
        });

        builder.Services.AddOptions<AegisOptions>()
            .BindConfiguration(AegisOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StorageFaultExceptionHandler>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "AegisGuard API";
            document.Info.Description = "Signed ingestion of logs, metrics, traces and RUM; query APIs. Errors are RFC 7807 problem+json.";
            return Task.CompletedTask;
        }));

        // Storage, in the order data flows: metadata, ingest log, columnar store. The data directory is read from
        // options when first needed, so tests (and AEGIS__ variables) can point it anywhere.
        builder.Services.AddSingleton(sp =>
        {
            var data = new DataDirectory(sp.GetRequiredService<IOptions<AegisOptions>>().Value.DataDir);
            // Before anything creates a file: a lost or damaged meta.db is refused, never replaced (DataDirectoryCheck).
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            DataDirectoryCheck.EnsureMetadataUsable(data);
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataDirectoryCheck)).LogInformation(
                "Checked {File} (every table but the large append-only ones) in {Elapsed:0.0} ms", data.MetaDb,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            data.EnsureCreated();
            return data;
        });
        builder.Services.AddSingleton(sp => new HealthConditions(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => OpenMetadata(sp.GetRequiredService<DataDirectory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<HealthConditions>()));
        builder.Services.AddSingleton(sp => new TelemetryStore(sp.GetRequiredService<DataDirectory>(), sp.GetRequiredService<ILogger<TelemetryStore>>(),
            health: sp.GetRequiredService<HealthConditions>(), time: sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp =>
        {
            var aegis = sp.GetRequiredService<IOptions<AegisOptions>>().Value;
            return IngestLog.Open(sp.GetRequiredService<DataDirectory>().IngestDir,
                new IngestLogOptions
                {
                    MinFreeDiskBytes = aegis.Ingest.MinFreeDiskBytes,
                    // Damage below the manifest's flushed position only costs records already in Parquet.
                    StoredUntil = sp.GetRequiredService<TelemetryStore>().FlushedUntil,
                    AcceptDataLoss = aegis.Recovery.AcceptIngestLogDataLoss,
                },
                sp.GetRequiredService<ILogger<IngestLog>>(),
                sp.GetRequiredService<HealthConditions>());
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TelemetryStore>().Logs);

        builder.Services.AddSingleton<StartupInitializer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartupInitializer>());
        builder.Services.AddHostedService<MetadataIntegrityCheck>();
        builder.Services.AddAegisDataProtection();
        builder.Services.AddSingleton<OrgDirectory>();
        builder.Services.AddAegisIdentity();
        builder.Services.AddAudit();
        builder.Services.AddIngest();
        builder.Services.AddPipeline();
        builder.Services.AddMetricStore();
        builder.Services.AddLogQl();
        builder.Services.AddPrometheusApi();
        builder.Services.AddWebUi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAegisSecurity();
        app.UseWebUi();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapIngestApi();
        app.MapPipelineApi();
        app.MapLogsApi();
        app.MapLogQlApi();
        app.MapMetricCatalogApi();
        app.MapPrometheusApi();
        app.MapIdentityApi();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithTitle("AegisGuard API"));
        app.MapWebUi();
        return app;
    }

    /// <summary>
    /// Opens the stores and runs the start-up checks before the host starts, so a refusal to start
    /// (<see cref="StartupRefusedException"/>) reaches the command line as itself instead of as a host start-up failure
    /// logged with its stack trace.
    /// </summary>
    public static void Initialize(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetRequiredService<StartupInitializer>().Initialize();
    }

    /// <summary>meta.db, migrated; damage found while migrating is a refusal to start like damage found by the check.</summary>
    internal static MetadataStore OpenMetadata(DataDirectory data, TimeProvider time, HealthConditions? health = null)
    {
        try
        {
            return new MetadataStore(data.MetaDb, time, health);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (Storage.Sqlite.SqliteDatabase.IsDamage(ex))
        {
            throw DataDirectoryCheck.MetadataDamaged(data, ex.Message, ex);
        }
    }
}
