using AegisGuard.Storage.Metrics;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Parquet.Metrics;

namespace AegisGuard.Pipeline;

public static class MetricStoreServiceCollectionExtensions
{
    /// <summary>The Parquet metric store as <see cref="IMetricStore"/>, and the follower that keeps its catalog and rollups up to date.</summary>
    public static IServiceCollection AddMetricStore(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ParquetMetricStore(sp.GetRequiredService<TelemetryStore>()));
        services.AddSingleton<IMetricStore>(sp => sp.GetRequiredService<ParquetMetricStore>());
        services.AddSingleton<MetricFollowerService>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricFollowerService>());
        return services;
    }
}
