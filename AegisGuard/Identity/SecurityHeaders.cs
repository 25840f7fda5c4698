using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AegisGuard.Identity;

/// <summary>
/// Security headers on every response (set when the response starts, so error pages carry them too): a strict
/// Content-Security-Policy without 'unsafe-inline' for scripts, frame-ancestors 'none' + X-Frame-Options DENY,
/// nosniff, a referrer policy, HSTS over HTTPS, and <c>Cache-Control: no-store</c> on every /api answer and every JSON
/// or HTML one (they carry secrets — a new key, a session, recovery codes — that no browser or proxy cache may keep).
/// Kestrel's own refusals of unparsable requests never reach this middleware: <see cref="KestrelRejectionHeaders"/>
/// gives them the same headers. The API reference at /docs boots from an inline module
/// script that Scalar generates; instead of opening 'unsafe-inline' it gets the SHA-256 hashes of exactly the
/// inline scripts of the page being served.
/// </summary>
public static partial class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public const string NoStore = "no-store";

    private const string DocsPrefix = "/docs";

    /// <summary>The headers every answer carries (besides the CSP, HSTS over HTTPS, and no-store where it applies).</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Fixed =
    [
        new("X-Content-Type-Options", "nosniff"),
        new("X-Frame-Options", "DENY"),
        new("Referrer-Policy", "strict-origin-when-cross-origin"),
        new("Cross-Origin-Opener-Policy", "same-origin"),
        new("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ];

    public static IApplicationBuilder UseAegisSecurityHeaders(this IApplicationBuilder app)
    {
        app.Use(async (HttpContext http, RequestDelegate next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.TryAdd("Content-Security-Policy", ContentSecurityPolicy);
                foreach (var (name, value) in Fixed)
                {
                    headers[name] = value;
                }

                if (MustNotBeStored(http))
                {
                    headers.CacheControl = NoStore;
                    headers.Pragma = "no-cache"; // HTTP/1.0 caches
                }

                if (http.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
                }

                return Task.CompletedTask;
            });

            if (http.Request.Path.StartsWithSegments(DocsPrefix, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(http.Request.Method))
            {
                await ServeDocsWithScriptHashesAsync(http, next);
                return;
            }

            await next(http);
        });
        return app;
    }

    private static bool MustNotBeStored(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string? type = http.Response.ContentType;
        return type is not null && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
                                    type.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) ||
                                    type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task ServeDocsWithScriptHashesAsync(HttpContext http, RequestDelegate next)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        if (http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            string html = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            var hashes = InlineScript().Matches(html)
                .Select(m => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups["body"].Value))) + "'")
                .Distinct();
            http.Response.Headers.ContentSecurityPolicy =
                // 'unsafe-eval' on this page only: the bundled API reference (Scalar) compiles code with eval, and without
                // it every visit logs a CSP violation. The page shows this appliance's own OpenAPI document and holds no
                // user data; every other page keeps script-src 'self'.
                $"default-src 'self'; script-src 'self' 'unsafe-eval' {string.Join(' ', hashes)}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
                "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
        }

        http.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    // An inline script is a <script> start tag without a src attribute; its body is hashed exactly as served.
    [GeneratedRegex(@"<script(?![^>]*\bsrc\s*=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
