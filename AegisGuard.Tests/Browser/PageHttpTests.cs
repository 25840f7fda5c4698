using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// What the web UI answers over plain HTTP (in-process host): pages for browsers, problem+json for scripts, static
/// files, and the Overview's numbers per org. Pages need a signed-in user; the tests sign in through the JSON API.
/// </summary>
public sealed partial class PageHttpTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task The_root_serves_the_overview_page_with_a_csrf_token_for_scripts()
    {
        var admin = await IdentityApp.AdminAsync(app.Factory);

        using var response = await admin.Http.SendAsync(Html("/"));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Overview · AegisGuard</title>", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        Assert.Matches(CsrfMeta(), body);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineHandler(), body);
        Assert.DoesNotContain(" style=\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_docs_are_still_at_docs()
    {
        using var client = app.Factory.CreateClient();

        using var response = await client.SendAsync(Html("/docs"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("AegisGuard API", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_address_is_an_html_404_for_browsers_and_problem_json_for_scripts()
    {
        using var client = app.Factory.CreateClient();

        using var page = await client.SendAsync(Html("/no/such/page"));
        using var script = await client.SendAsync(Json("/no/such/page"));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Page not found", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, script.StatusCode);
        Assert.Equal("application/problem+json", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Api_paths_answer_problem_json_even_to_a_browser()
    {
        using var client = app.Factory.CreateClient();

        using var response = await client.SendAsync(Html("/api/logs"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_area_that_is_not_built_yet_says_so_instead_of_a_bare_404()
    {
        using var client = app.Factory.CreateClient();

        using var response = await client.SendAsync(Html("/slos"));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("SLOs is not available yet", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_forbidden_page_answers_403()
    {
        using var client = app.Factory.CreateClient();

        using var response = await client.SendAsync(Html("/forbidden"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("have access to this", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_page_shows_the_error_page_to_browsers_and_never_the_exception()
    {
        using var factory = new AegisAppFactory();
        using var failing = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.Configure<MvcOptions>(options => options.Filters.Add(new FailingOverviewFilter()))));
        var admin = await IdentityApp.AdminAsync(failing);

        using var page = await admin.Http.SendAsync(Html("/"));
        string html = await page.Content.ReadAsStringAsync();
        using var script = await admin.Http.SendAsync(Json("/"));
        string json = await script.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Matches(RequestId(), html);
        Assert.Equal(HttpStatusCode.InternalServerError, script.StatusCode);
        Assert.Equal("application/problem+json", script.Content.Headers.ContentType?.MediaType);
        foreach (string body in new[] { html, json })
        {
            Assert.DoesNotContain(FailingOverviewFilter.Secret, body, StringComparison.Ordinal);
            Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
            Assert.DoesNotContain(" at AegisGuard", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/css/site.css", "text/css", "AegisGuard web UI")]
    [InlineData("/js/site.js", "text/javascript", "data-copy-target")]
    [InlineData("/js/charts.js", "text/javascript", "export function timeSeriesChart")]
    [InlineData("/lib/chart.js/chart.umd.js", "text/javascript", "Chart.js v4.6.1")]
    [InlineData("/img/favicon.svg", "image/svg+xml", "<svg")]
    public async Task Static_files_are_served_including_chart_js_from_npm(string path, string type, string content)
    {
        using var client = app.Factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overview_counts_only_the_viewed_orgs_stored_events()
    {
        using var factory = new AegisAppFactory();
        var own = new SignedClient(factory.CreateClient(), factory.CreateKey().Key);
        var other = new SignedClient(factory.CreateClient(), factory.CreateKey("other-org").Key);
        using (var accepted = await own.PostAsync("/v1/logs", Some.Logs(3, "mine")))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using (var accepted = await other.PostAsync("/v1/logs", Some.Logs(5, "theirs")))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await LogsReader.WaitForAsync(own, "q=mine", 3);
        await LogsReader.WaitForAsync(other, "q=theirs", 5);
        var admin = await IdentityApp.AdminAsync(factory);

        using var response = await admin.Http.SendAsync(Html("/"));
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3", LogsRows().Match(html).Groups[1].Value);
        Assert.DoesNotContain("data-empty-state", html, StringComparison.Ordinal);
        Assert.Contains("id=\"volume-chart-data\"", html, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Html(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }

    private static HttpRequestMessage Json(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    [GeneratedRegex("""<meta name="csrf-token" content="[A-Za-z0-9_-]{20,}">""")]
    private static partial Regex CsrfMeta();

    [GeneratedRegex("""\son[a-z]+\s*=""")]
    private static partial Regex InlineHandler();

    [GeneratedRegex("""data-request-id>[0-9a-f]{32}<""")]
    private static partial Regex RequestId();

    [GeneratedRegex("""data-signal="logs"[\s\S]*?data-rows="(\d+)""")]
    private static partial Regex LogsRows();

    /// <summary>Makes the Overview page throw, as a bug would.</summary>
    private sealed class FailingOverviewFilter : IPageFilter
    {
        public const string Secret = "secret-detail-4711";

        public void OnPageHandlerSelected(PageHandlerSelectedContext context)
        {
        }

        public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
        {
            if (context.ActionDescriptor.ViewEnginePath == "/Overview/Index")
            {
                throw new InvalidOperationException(Secret);
            }
        }

        public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
        {
        }
    }
}
