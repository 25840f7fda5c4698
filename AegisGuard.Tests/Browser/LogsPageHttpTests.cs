using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AegisGuard.Tests.Browser;

/// <summary>What GET /logs answers over plain HTTP (in-process host): who may open it, and the frame it renders.</summary>
public sealed partial class LogsPageHttpTests
{
    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in_and_back_to_the_same_view()
    {
        using var factory = new AegisAppFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.SendAsync(Html("/logs?query=%7Bservice%3D%22api%22%7D&range=24h"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString("/logs?query=%7Bservice%3D%22api%22%7D&range=24h"), response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_read_key_reads_logs_through_the_api_but_cannot_open_the_page()
    {
        using var factory = new AegisAppFactory();
        var key = factory.CreateKey().Key;
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var request = Html("/logs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{key.Id}.{key.Secret}");

        using var page = await client.SendAsync(request);
        using var api = await new SignedClient(factory.CreateClient(), key).GetAsync("/api/logs/query?query=%7B%7D");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?returnUrl=", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task The_page_shows_the_query_of_the_url_and_whether_the_org_has_logs_without_inline_script_or_style()
    {
        using var factory = new AegisAppFactory();
        var admin = await IdentityApp.AdminAsync(factory);
        const string query = "{service=\"api\"} |= \"<b>timeout</b>\"";

        string empty = await PageAsync(admin, "/logs?query=" + Uri.EscapeDataString(query));

        Assert.Contains("<title>Logs · AegisGuard</title>", WebUtility.HtmlDecode(empty), StringComparison.Ordinal);
        Assert.Equal(query, WebUtility.HtmlDecode(TextArea().Match(empty).Groups[1].Value));
        Assert.DoesNotContain("<b>timeout</b>", empty, StringComparison.Ordinal);
        Assert.Contains("data-has-logs=\"false\"", empty, StringComparison.Ordinal);
        Assert.Matches(NoDataVisible(), empty);
        Assert.Contains("/css/pages/logs.css", empty, StringComparison.Ordinal);
        Assert.Contains("/js/pages/logs.js", empty, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), empty);
        Assert.DoesNotMatch(InlineHandler(), empty);
        Assert.DoesNotContain(" style=\"", empty, StringComparison.Ordinal);

        var logs = new SignedClient(factory.CreateClient(), factory.CreateKey().Key);
        using (var accepted = await logs.PostAsync("/v1/logs", Some.Logs(1)))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        string filled = await Poll.UntilAsync(() => PageAsync(admin, "/logs"), html => html.Contains("data-has-logs=\"true\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the page to see the stored line");
        Assert.Equal("{}", WebUtility.HtmlDecode(TextArea().Match(filled).Groups[1].Value));
        Assert.DoesNotMatch(NoDataVisible(), filled);
    }

    private static async Task<string> PageAsync(SessionClient client, string path)
    {
        using var response = await client.Http.SendAsync(Html(path));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        return body;
    }

    private static HttpRequestMessage Html(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    [GeneratedRegex("<textarea[^>]*id=\"logs-query\"[^>]*>([^<]*)</textarea>")]
    private static partial Regex TextArea();

    [GeneratedRegex("<div id=\"logs-no-data\">")]
    private static partial Regex NoDataVisible();

    [GeneratedRegex("<script(?![^>]*\\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\son[a-z]+=\"", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();
}
