using AegisGuard.Storage;
using AegisGuard.Storage.Quarantine;

namespace AegisGuard.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>The normalizer (ingest log → Parquet) and storage upkeep.</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddSingleton<PipelineStatus>();
        services.AddSingleton<PiiScrubbers>();
        services.AddSingleton<BacklogMonitor>();
        services.AddSingleton(sp => new QuarantineStore(
            Path.Combine(sp.GetRequiredService<DataDirectory>().QuarantineDir, "records"),
            sp.GetRequiredService<QuarantineProtector>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<QuarantineProtector>();
        services.AddSingleton<QuarantineService>();
        services.AddHostedService<IngestRecovery>();
        services.AddSingleton<Normalizer>();
        services.AddHostedService(sp => sp.GetRequiredService<Normalizer>());
        services.AddSingleton<StorageMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageMaintenance>());
        services.AddSingleton<PipelineWatchdog>();
        services.AddHostedService(sp => sp.GetRequiredService<PipelineWatchdog>());
        return services;
    }

    /// <summary>The pipeline's own API: quarantined batches and damaged files.</summary>
    public static IEndpointRouteBuilder MapPipelineApi(this IEndpointRouteBuilder routes)
    {
        routes.MapQuarantineApi();
        routes.MapDamagedFilesApi();
        return routes;
    }
}
