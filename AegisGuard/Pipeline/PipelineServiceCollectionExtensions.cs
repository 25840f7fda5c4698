namespace AegisGuard.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>The normalizer (ingest log → Parquet) and storage upkeep.</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddSingleton<PipelineStatus>();
        services.AddSingleton<Normalizer>();
        services.AddHostedService(sp => sp.GetRequiredService<Normalizer>());
        services.AddSingleton<StorageMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageMaintenance>());
        return services;
    }
}
