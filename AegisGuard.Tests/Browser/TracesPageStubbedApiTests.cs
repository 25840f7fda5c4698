using System.Globalization;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The trace pages in Chromium with the traces API answered in the browser by <see cref="TracesApiStub"/> (the
/// contract's answers for the checkout trace). Spans and logs are still sent over signed HTTP — the pages' empty-state
/// check and the trace's logs are real — so these prove the pages themselves: what they draw from an answer, what they
/// ask for, and that a 5,000-span trace keeps only the rows in view in the DOM.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class TracesPageStubbedApiTests(BrowserFixture browser) : TracesPageScenarios(browser)
{
    private const string LargeTraceId = "5b000000000000000000000000005000";

    private TracesApiStub stub = null!;

    protected override async Task PrepareAsync()
    {
        stub = new TracesApiStub(Data);
        await stub.InstallAsync(Page);
    }

    protected override async Task SendCheckoutAsync()
    {
        await Data.SendSpansAsync(Data.CheckoutSpans());
        await Data.SendCheckoutLogsAsync();
        // The pages lead with the empty state until the manifest lists a span file of the org.
        await Poll.UntilAsync(async () =>
        {
            await Session.GotoAsync("/traces");
            return await Page.Locator("#traces-explorer").IsVisibleAsync();
        }, visible => visible, TimeSpan.FromSeconds(20), "stored spans");
    }

    protected override Task AfterBucketClickAsync(double lower, double upper)
    {
        var search = stub.Requests.Last(r => r.StartsWith("/api/traces?", StringComparison.Ordinal));
        var query = QueryHelpers.ParseQuery(new Uri("http://x" + search).Query);
        Assert.Equal(lower, double.Parse(query["minDurationMs"]!, CultureInfo.InvariantCulture), 9);
        Assert.Equal(upper, double.Parse(query["maxDurationMs"]!, CultureInfo.InvariantCulture), 9);
        return Task.CompletedTask;
    }

    [Fact]
    public Task A_5000_span_trace_keeps_only_the_rows_in_view_in_the_page() => Session.RunAsync(async page =>
    {
        stub.AddTrace(LargeTraceId, stub.LargeTrace(LargeTraceId));
        await SendCheckoutAsync();
        await Session.GotoAsync($"/traces/{LargeTraceId}");

        await Expect(page.Locator("#trace-row-count")).ToHaveTextAsync("5000 spans");
        var rows = page.Locator("#wf-viewport .wf-row");
        await Expect(rows.First).ToHaveAttributeAsync("data-span-id", "b000000000000000");
        int rendered = await rows.CountAsync();
        Assert.InRange(rendered, 10, 120);
        Assert.Equal(5000 * 28, await page.Locator("#wf-spacer").EvaluateAsync<int>("s => s.offsetHeight"));

        // Scrolled to the end, the last span is drawn and the first is gone from the DOM.
        await page.Locator("#wf-viewport").EvaluateAsync("v => { v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event('scroll')); }");
        await Expect(page.Locator("#wf-viewport .wf-row .wf-op", new() { HasTextString = "get 4999" })).ToBeVisibleAsync();
        await Expect(page.Locator("#wf-viewport .wf-row[data-span-id='b000000000000000']")).ToHaveCountAsync(0);
        Assert.InRange(await rows.CountAsync(), 10, 120);

        // Collapsing a batch hides its 49 items: the spacer shrinks by as many rows.
        await page.Locator("#trace-collapse-all").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#trace-row-count")).ToHaveTextAsync("1 of 5000 spans shown");
        await rows.First.Locator("[data-toggle]").ClickAsync();
        await Expect(page.Locator("#trace-row-count")).ToHaveTextAsync("149 of 5000 spans shown");
        Session.AssertNoProblems();
    });
}
