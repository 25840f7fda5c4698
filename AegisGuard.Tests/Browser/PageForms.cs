using System.Net;
using System.Text.RegularExpressions;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Drives server-rendered forms over plain HTTP, as a browser without script would: read the page, take its antiforgery
/// field, post the fields back. The client keeps cookies and does not follow redirects, so tests see every 302.
/// </summary>
public static partial class PageForms
{
    public const string TokenField = "__RequestVerificationToken";

    /// <summary>GETs <paramref name="path"/> as a browser navigation and returns (status, body, the response).</summary>
    public static async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> GetAsync(HttpClient http, string path)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>The first antiforgery token a page's forms carry.</summary>
    public static string TokenOf(string html)
    {
        var match = Token().Match(html);
        Assert.True(match.Success, "the page has no form with an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Reads the form page at <paramref name="pagePath"/>, then posts <paramref name="fields"/> with its token to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient http, string pagePath, string action, IDictionary<string, string> fields)
    {
        var (status, html, response) = await GetAsync(http, pagePath);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"GET {pagePath} answered {(int)status}");
        return await PostAsync(http, action, new Dictionary<string, string>(fields) { [TokenField] = TokenOf(html) });
    }

    /// <summary>Posts <paramref name="fields"/> as a form (no token added).</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string action, IDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.ParseAdd("text/html");
        return http.SendAsync(request);
    }

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="([^"]+)""")]
    private static partial Regex Token();
}
