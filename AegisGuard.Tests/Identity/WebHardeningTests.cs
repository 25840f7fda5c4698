using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>Security headers on every answer, a CSP without inline scripts, and CORS only for configured origins.</summary>
public sealed partial class WebHardeningTests : IDisposable
{
    private const string Allowed = "https://console.example.com";
    private readonly AegisAppFactory factory = IdentityApp.NewFactory(new Dictionary<string, string?> { ["Aegis:Security:CorsOrigins:0"] = Allowed });

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/api/users")]
    [InlineData("/api/nothing-here")]
    [InlineData("/openapi/v1.json")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var response = await factory.CreateClient().GetAsync(path);
        string csp = response.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", ScriptSrc(csp), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS is for HTTPS only");
    }

    [Fact]
    public async Task Api_json_auth_answers_and_pages_are_never_stored_by_caches()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var answers = new List<(string What, HttpResponseMessage Answer)>
        {
            ("POST /api/keys (the secret)", await admin.PostAsync("/api/keys", Bodies.Key("agent", "ingest"))),
            ("GET /api/keys", await admin.GetAsync("/api/keys")),
            ("GET /api/users", await admin.GetAsync("/api/users")),
            ("GET /api/auth/me", await admin.GetAsync("/api/auth/me")),
            ("GET /api/auth/sessions", await admin.GetAsync("/api/auth/sessions")),
            ("POST /api/auth/refresh", await admin.PostAsync("/api/auth/refresh")),
            ("GET /api/auth/csrf", await admin.GetAsync("/api/auth/csrf")),
            ("GET /api/audit", await admin.GetAsync("/api/audit")),
            ("GET /api/org/settings", await admin.GetAsync("/api/org/settings")),
            ("GET /api/users/lockouts", await admin.GetAsync("/api/users/lockouts")),
            ("POST /api/auth/login (refused)", await new SessionClient(factory).LoginAsync("nobody@example.com", "Wrong-Password-1")),
            ("GET /api/users (anonymous)", await factory.CreateClient().GetAsync("/api/users")),
            ("GET /api/nothing-here", await factory.CreateClient().GetAsync("/api/nothing-here")),
            ("GET /healthz", await factory.CreateClient().GetAsync("/healthz")),
            ("GET /account", await admin.GetAsync("/account")),
            ("GET /login", await factory.CreateClient().GetAsync("/login")),
        };

        Assert.Equal(HttpStatusCode.Created, answers[0].Answer.StatusCode);
        foreach (var (what, answer) in answers)
        {
            Assert.True(answer.Headers.CacheControl?.NoStore == true, $"{what} answered {(int)answer.StatusCode} with Cache-Control '{answer.Headers.CacheControl}'");
        }
    }

    [Fact]
    public async Task Hsts_is_sent_over_https()
    {
        var https = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var response = await https.GetAsync("/healthz");
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_reference_runs_its_inline_bootstrap_by_hash_not_by_unsafe_inline()
    {
        using var response = await factory.CreateClient().GetAsync("/docs/");
        string html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string scriptSrc = ScriptSrc(response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("unsafe-inline", scriptSrc, StringComparison.Ordinal);

        var inline = InlineScript().Matches(html);
        Assert.NotEmpty(inline);
        foreach (Match script in inline)
        {
            string hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups["body"].Value)));
            Assert.Contains($"'sha256-{hash}'", scriptSrc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Only_configured_origins_get_cors_headers()
    {
        var http = factory.CreateClient();
        using var allowed = await http.SendAsync(Preflight(Allowed));
        using var other = await http.SendAsync(Preflight("https://evil.example.net"));

        Assert.Equal(Allowed, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", allowed.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Methods"));

        var simple = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        simple.Headers.Add("Origin", "https://evil.example.net");
        using var simpleAnswer = await http.SendAsync(simple);
        Assert.False(simpleAnswer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Without_configured_origins_nobody_gets_cors_headers()
    {
        using var plain = IdentityApp.NewFactory();
        using var response = await plain.CreateClient().SendAsync(Preflight(Allowed));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/logs");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    private static string ScriptSrc(string csp) =>
        csp.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith("script-src", StringComparison.Ordinal));

    [GeneratedRegex(@"<script(?![^>]*\bsrc\s*=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    public void Dispose() => factory.Dispose();
}
