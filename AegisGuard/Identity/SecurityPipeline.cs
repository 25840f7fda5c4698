namespace AegisGuard.Identity;

/// <summary>
/// Request-level protections, in order: security headers, strict CORS (only configured origins get CORS
/// headers; with none configured there is no cross-origin access at all), then authentication and the
/// <see cref="SessionGuard"/> checks (IP allowlist, session restrictions, CSRF).
/// </summary>
public static class SecurityPipeline
{
    public const string CorsPolicy = "aegis-origins";

    public static WebApplication UseAegisSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAegisSecurityHeaders();
        app.UseCors(CorsPolicy);
        app.UseMiddleware<SessionGuard>();
        return app;
    }
}
