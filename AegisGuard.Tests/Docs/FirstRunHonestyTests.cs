using System.Net;
using System.Text;
using System.Text.Json;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Docs;

/// <summary>What a new user meets first: the schema, the errors, the settings page and the audit filter tell the truth.</summary>
public sealed class FirstRunHonestyTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    public void Dispose() => factory.Dispose();

    [Theory]
    [InlineData("LogEventDoc", "message")]
    [InlineData("MetricSampleDoc", "name type")]
    [InlineData("HistogramBucketDoc", "count le")]
    [InlineData("SpanDoc", "name span_id start trace_id")]
    [InlineData("RumEventDoc", "session_id type")]
    [InlineData("LogsBatch", "logs")]
    public async Task The_openapi_schema_requires_only_what_the_decoder_requires(string schema, string required)
    {
        using var document = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        var node = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(schema);

        IEnumerable<string> names = node.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal) : [];
        Assert.Equal(required, string.Join(' ', names));
    }

    [Fact]
    public async Task A_415_from_a_json_api_names_the_accepted_type()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = new StringContent("name=x", Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-CSRF-TOKEN", admin.CsrfToken ?? await admin.FetchCsrfAsync());
        using var response = await admin.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("application/json", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_actor_filter_matches_any_part_in_any_case()
    {
        var admin = await IdentityApp.AdminAsync(factory);

        var byPart = await IdentityApp.AuditAsync(admin, "actor=ADMIN%40aegis");
        var none = await IdentityApp.AuditAsync(admin, "actor=nobody-like-this");

        Assert.NotEmpty(byPart);
        Assert.All(byPart, e => Assert.Contains("admin@aegis.local", e.GetProperty("actor").GetString(), StringComparison.Ordinal));
        Assert.Empty(none);
    }

    [Fact]
    public async Task The_settings_page_shows_the_burst_and_no_longer_says_retention_is_not_built()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        using var response = await admin.GetAsync("/admin/settings");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("not built", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("data-burst=\"500000\"", html, StringComparison.Ordinal);
        Assert.Contains("refused at ingestion", html, StringComparison.Ordinal);
    }
}
