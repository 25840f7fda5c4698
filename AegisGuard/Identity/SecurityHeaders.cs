using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AegisGuard.Identity;

/// <summary>
/// Security headers on every response (set when the response starts, so error pages carry them too): a strict
/// Content-Security-Policy without 'unsafe-inline' for scripts, frame-ancestors 'none' + X-Frame-Options DENY,
/// nosniff, a referrer policy, and HSTS over HTTPS. The API reference at /docs boots from an inline module
/// script that Scalar generates; instead of opening 'unsafe-inline' it gets the SHA-256 hashes of exactly the
/// inline scripts of the page being served.
/// </summary>
public static partial class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private const string DocsPrefix = "/docs";

    public static IApplicationBuilder UseAegisSecurityHeaders(this IApplicationBuilder app)
    {
        app.Use(async (HttpContext http, RequestDelegate next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.TryAdd("Content-Security-Policy", ContentSecurityPolicy);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers.TryAdd("Referrer-Policy", "strict-origin-when-cross-origin");
                headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
                headers.TryAdd("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
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
                $"default-src 'self'; script-src 'self' {string.Join(' ', hashes)}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
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
