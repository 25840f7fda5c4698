using AegisGuard.Audit.Sinks;
using AegisGuard.Hosting;
using Microsoft.Extensions.Options;

namespace AegisGuard.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit of refused requests (aggregated per window) and the shipping of entries to external sinks.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<AegisOptions>, AuditOptionsValidator>();
        services.AddSingleton<RefusalAudit>();
        services.AddHostedService<RefusalAuditFlusher>();
        services.AddHostedService<AuditShipper>();
        return services;
    }
}
