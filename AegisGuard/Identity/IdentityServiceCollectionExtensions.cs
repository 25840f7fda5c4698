using AegisGuard.Audit;
using AegisGuard.Hosting;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Identity.Instance;
using AegisGuard.Identity.Mfa;
using AegisGuard.Identity.Network;
using AegisGuard.Identity.Passwords;
using AegisGuard.Identity.Sessions;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Storage;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>The default scheme: an Authorization: Bearer header means an API key, anything else the browser session.</summary>
    public const string DefaultScheme = "Aegis";

    private static readonly PathString[] IdentityPaths = ["/api/auth", "/api/users", "/api/keys", "/api/org", "/api/audit", "/api/invitations", "/api/instance"];

    /// <summary>
    /// Data Protection with the key ring in the data directory (resolved from the registered
    /// <see cref="DataDirectory"/>), shared by the server and the CLI.
    /// </summary>
    public static IServiceCollection AddAegisDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("AegisGuard");
        services.AddOptions<KeyManagementOptions>().Configure<DataDirectory, MetadataStore, ILoggerFactory>((options, data, store, loggers) =>
        {
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(data.KeysDir), loggers);
            // A vanished ring is restored, not replaced (see KeyRingCheck): secrets then fail with a 503 instead.
            options.AutoGenerateKeys = KeyRingCheck.MayCreateKeys(data, store);
        });
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<KeyRingCheck>();
        return services;
    }

    /// <summary>
    /// Users, sessions, MFA, API keys, audit, and the authentication (session cookie or API key), authorisation
    /// (one policy per permission), antiforgery and CORS they need.
    /// </summary>
    public static IServiceCollection AddAegisIdentity(this IServiceCollection services)
    {
        services.AddSingleton<IOptions<SecurityOptions>>(sp => Options.Create(sp.GetRequiredService<IOptions<AegisOptions>>().Value.Security));
        services.AddSingleton<ClientIpResolver>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<ApiKeyManagement>();
        services.AddSingleton<OrgSettingsService>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<TotpAuthenticator>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<KnownDevices>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<MfaService>();
        services.AddSingleton<UserService>();
        services.AddSingleton<SignInLockouts>();
        services.AddTenancy();

        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "User session or API key", options => options.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(AegisPolicies.Configure);
        services.AddAntiforgery(options =>
        {
            options.HeaderName = SessionCookies.CsrfHeader;
            options.Cookie.Name = SessionCookies.Antiforgery;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY on every response
        });
        services.AddCors();
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails += FillMissingDetail);

        // Development would otherwise throw on unreadable bodies (→ 500 from the exception handler) where Production
        // answers 400; tests run as Development and must see what users see.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<AegisOptions>>((cors, aegis) =>
            cors.AddPolicy(SecurityPipeline.CorsPolicy, policy =>
            {
                string[] origins = aegis.Value.Security.CorsOrigins;
                if (origins.Length > 0)
                {
                    policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders("Retry-After");
                }
            }));
        return services;
    }

    /// <summary>
    /// The framework's own refusals (unreadable JSON, wrong content type) carry no detail; on the identity APIs they
    /// get one in plain words, so every 4xx says what to fix.
    /// </summary>
    private static void FillMissingDetail(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null || !IdentityPaths.Any(p => context.HttpContext.Request.Path.StartsWithSegments(p)))
        {
            return;
        }

        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status400BadRequest => "The request body is not valid JSON for this endpoint, or a field has the wrong type (see /docs).",
            StatusCodes.Status404NotFound => "There is no such endpoint or object.",
            StatusCodes.Status405MethodNotAllowed => "This endpoint does not support that HTTP method.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as Content-Type: application/json.",
            _ => context.ProblemDetails.Title,
        };
    }
}
