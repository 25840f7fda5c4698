using AegisGuard.Identity;
using AegisGuard.Pages.Account;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Onboarding;
using AegisGuard.Pages.Overview;
using Microsoft.AspNetCore.Diagnostics;

namespace AegisGuard.Pages;

/// <summary>
/// The Razor Pages web UI: its services, browser-facing error pages, static files and page endpoints.
/// APIs keep answering RFC 7807 problem+json; only browser navigations (requests that accept text/html, outside the
/// API prefixes) are answered with the HTML error, 403 and 404 pages.
/// </summary>
public static class WebUi
{
    /// <summary>Paths that always answer like an API (problem+json), even to a browser.</summary>
    private static readonly PathString[] ApiPrefixes = ["/api", "/v1", "/otlp", "/openapi", "/docs", "/healthz"];

    public static IServiceCollection AddWebUi(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            // Every page needs a person signed in through the browser session (anonymous → /login?returnUrl=…); the
            // error pages must answer anyone, and the sign-in and sign-out pages say [AllowAnonymous] themselves.
            // Pages that need more (the admin area) add [Authorize(Policy = Permissions.X)]: USER/VIEWER → /forbidden.
            options.Conventions.AuthorizeFolder("/", AegisPolicies.SignedInUser);
            options.Conventions.AllowAnonymousToFolder("/Errors");

            // The status-code re-execution below lands on /status/{code}; 403 and 404 have pages of their own.
            options.Conventions.AddPageRoute("/Errors/Forbidden", "status/403");
            options.Conventions.AddPageRoute("/Errors/NotFound", "status/404");
            options.Conventions.AddPageRoute("/Errors/Error", "status/{code:int}");
        });

        // Antiforgery (header X-CSRF-TOKEN, the cookie) is configured by AddAegisIdentity; the layout renders the request
        // token into <meta name="csrf-token"> and wwwroot/js/api.js sends it with every unsafe fetch().
        services.Configure<RouteOptions>(options => options.LowercaseUrls = true);

        services.AddSingleton<CliInvocation>();
        services.AddSingleton<OverviewReader>();
        services.AddScoped<CurrentOrg>();
        services.AddSingleton<PendingSignIn>();
        return services;
    }

    /// <summary>
    /// Error pages for browser navigations and the static files under wwwroot. Placed after the request-level security
    /// middleware (so its headers cover static files) and before authentication (assets are public).
    /// Both handlers sit on the main pipeline, not in a UseWhen branch: a branch gets its own routing world and could
    /// not re-execute /error or /status/{code} to a page. Requests from scripts are left to the problem+json handlers
    /// registered before (status pages are switched off for them; the Error page answers them with problem+json).
    /// </summary>
    public static WebApplication UseWebUi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.Use((context, next) =>
        {
            if (!IsBrowserNavigation(context) && context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }

            return next(context);
        });
        app.UseStaticFiles();
        return app;
    }

    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder routes)
    {
        routes.MapRazorPages();
        return routes;
    }

    /// <summary>A person's browser asking for a page, as opposed to a script or agent calling an API.</summary>
    internal static bool IsBrowserNavigation(HttpContext context) => IsBrowserNavigation(context, context.Request.Path);

    /// <summary>As <see cref="IsBrowserNavigation(HttpContext)"/> for <paramref name="path"/>, the path before a re-execution.</summary>
    internal static bool IsBrowserNavigation(HttpContext context, PathString path)
    {
        foreach (var prefix in ApiPrefixes)
        {
            if (path.StartsWithSegments(prefix))
            {
                return false;
            }
        }

        foreach (string? accept in context.Request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
