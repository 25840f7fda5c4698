using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The trace pages (/traces, /traces/{id}, /services/map) in Chromium against the real executable and its traces
/// API: the checkout trace is sent over signed HTTP and every scenario of <see cref="TracesPageScenarios"/> runs on what
/// the server stores and answers. Also the empty state of an org without spans.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class TracesPageTests(BrowserFixture browser) : TracesPageScenarios(browser)
{
    protected override async Task SendCheckoutAsync()
    {
        await Data.SendSpansAsync(Data.CheckoutSpans());
        await Data.SendCheckoutLogsAsync();
        await Data.WaitForTraceAsync(TracesBrowserSupport.CheckoutTraceId, 5);
        await Poll.UntilAsync(async () =>
        {
            using var response = await Data.Client.GetAsync($"/api/traces?traceId={TracesBrowserSupport.CheckoutTraceId}");
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("traces").GetArrayLength();
        }, count => count == 1, TimeSpan.FromSeconds(30), "the checkout trace in search");
    }

    [Fact]
    public Task Without_spans_the_trace_pages_show_a_signed_curl_that_sends_a_trace() => Session.RunAsync(async page =>
    {
        await Session.GotoAsync("/traces");
        var empty = page.Locator("#traces-no-data [data-empty='no-spans']");
        await Expect(empty).ToBeVisibleAsync();
        await Expect(page.Locator("#traces-explorer")).ToBeHiddenAsync();
        var send = page.Locator("#trace-guide-send");
        await Expect(send).ToContainTextAsync("/v1/traces");
        await Expect(send).ToContainTextAsync("x-signature: sha256=$SIGNATURE");
        string traceId = (await page.Locator("[data-guide-trace]").GetAttributeAsync("href"))!["/traces/".Length..];
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        await Expect(send).ToContainTextAsync($"TRACE_ID={traceId}");
        await Expect(page.Locator("#trace-guide-create-key")).ToContainTextAsync("keys create --org default");

        await Session.GotoAsync("/services/map");
        await Expect(page.Locator("#map-no-data [data-empty='no-spans']")).ToBeVisibleAsync();
        await Expect(page.Locator("#map-explorer")).ToBeHiddenAsync();
        Session.AssertNoProblems();
    });
}
