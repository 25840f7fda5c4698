using System.Net;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AegisGuard.Tests.Browser;

/// <summary>What GET /metrics answers over plain HTTP (in-process host): who may open it, and the frame it renders.</summary>
public sealed partial class MetricsPageHttpTests
{
    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in_and_back_to_the_same_view()
    {
        using var factory = new AegisAppFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        const string view = "/metrics?q=sum%28up%29&legend=&step=30s&range=24h";

        using var response = await client.SendAsync(Html(view));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString(view), response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_page_renders_its_frame_and_a_signed_curl_for_this_server_without_inline_script_or_style()
    {
        using var factory = new AegisAppFactory();
        var admin = await IdentityApp.AdminAsync(factory);

        using var response = await admin.Http.SendAsync(Html("/metrics"));
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string text = WebUtility.HtmlDecode(html);
        Assert.Contains("<title>Metrics · AegisGuard</title>", text, StringComparison.Ordinal);
        Assert.Contains("/css/pages/metrics.css", html, StringComparison.Ordinal);
        Assert.Contains("/js/pages/metrics.js", html, StringComparison.Ordinal);
        Assert.Contains("id=\"metrics-range\"", html, StringComparison.Ordinal);
        Assert.Contains($"curl -sS -X POST {admin.Http.BaseAddress!.GetLeftPart(UriPartial.Authority)}/v1/metrics", text, StringComparison.Ordinal);
        Assert.Contains($"\"name\":\"{AegisGuard.Pages.Metrics.IndexModel.FirstMetric}\",\"type\":\"counter\"", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(InlineHandler(), html);
        Assert.DoesNotContain(" style=\"", html, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Html(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\son[a-z]+=\"", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();
}
