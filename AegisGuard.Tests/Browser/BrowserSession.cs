using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// What one browser test works with: the real AegisGuard executable on a temp data directory (<see cref="AppProcess"/>),
/// a fresh browser context and page on it, and everything the page complained about — console errors, uncaught
/// exceptions, Content Security Policy violations. Documents are served with a strict CSP (no inline script, no inline
/// style) whatever the server sends, so the pages are proven to work under the policy issue #3 adds.
/// <see cref="RunAsync"/> saves a full-page screenshot to <c>&lt;test bin&gt;/browser-screenshots/</c> when the test fails
/// (always, when <c>AEGIS_SCREENSHOTS=always</c>).
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    /// <summary>The policy every document is tested under (merged with any policy the server sends).</summary>
    public const string TestPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string ViolationReporter = """
        document.addEventListener('securitypolicyviolation', (e) =>
            console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    private readonly TempDirectory data;
    private readonly IBrowserContext context;
    private readonly List<string> problems = [];
    private readonly HashSet<string> documents = new(StringComparer.Ordinal);

    private BrowserSession(TempDirectory data, AppProcess app, IBrowserContext context, IPage page)
    {
        this.data = data;
        this.context = context;
        App = app;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsDocumentStatus(message))
            {
                Record($"console error: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Record($"uncaught exception: {error}");
        page.RequestFailed += (_, request) =>
        {
            // A navigation that supersedes in-flight requests aborts them; that is the test moving on, not a fault.
            if (request.Failure != "net::ERR_ABORTED")
            {
                Record($"request failed: {request.Method} {request.Url}: {request.Failure}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document")
            {
                lock (problems)
                {
                    documents.Add(response.Url);
                }
            }
        };
    }

    public AppProcess App { get; }

    public IPage Page { get; }

    public string DataDir => data.Path;

    /// <summary>What the pages complained about so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (problems)
            {
                return [.. problems];
            }
        }
    }

    public static async Task<BrowserSession> StartAsync(BrowserFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var data = new TempDirectory();
        AppProcess? app = null;
        try
        {
            app = await AppProcess.StartAsync(data.Path);
            var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = app.Url,
                ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
                Permissions = ["clipboard-read", "clipboard-write"],
            });
            await context.AddInitScriptAsync(ViolationReporter);
            await context.RouteAsync("**/*", EnforceTestPolicyAsync);
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(15_000);
            return new BrowserSession(data, app, context, page);
        }
        catch
        {
            app?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> and returns the document's HTTP status.</summary>
    public async Task<int> GotoAsync(string path)
    {
        var response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        return response?.Status ?? throw new InvalidOperationException($"no response for {path}");
    }

    /// <summary>Runs the test body; on failure saves a screenshot and adds it, the page's complaints and the server's output to the error.</summary>
    public async Task RunAsync(Func<IPage, Task> test, [CallerMemberName] string name = "")
    {
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await test(Page);
        }
        catch (Exception failure)
        {
            string shot = await ScreenshotAsync(name);
            throw new BrowserTestFailedException(
                $"{failure.Message}\n--- screenshot: {shot}\n--- page problems:\n{string.Join('\n', Problems)}\n--- server output (tail):\n{Tail(App.Output, 40)}",
                failure);
        }

        if (Environment.GetEnvironmentVariable("AEGIS_SCREENSHOTS") == "always")
        {
            await ScreenshotAsync(name);
        }
    }

    /// <summary>Fails when any page so far logged a console error, threw, violated the CSP or failed a request.</summary>
    public void AssertNoProblems()
    {
        var seen = Problems;
        Assert.True(seen.Count == 0, "The pages reported problems:\n" + string.Join('\n', seen));
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "browser-screenshots");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, SafeName().Replace(name, "_") + ".png");
        try
        {
            // Sticky sidebar and top bar are drawn where the page is scrolled to; from the top the picture reads right.
            await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            return file;
        }
        catch (PlaywrightException e)
        {
            return $"(no screenshot: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await context.CloseAsync();
        App.Dispose();
        data.Dispose();
    }

    private static async Task EnforceTestPolicyAsync(IRoute route)
    {
        if (route.Request.ResourceType != "document")
        {
            await route.ContinueAsync();
            return;
        }

        var response = await route.FetchAsync();
        var headers = new Dictionary<string, string>(response.Headers, StringComparer.OrdinalIgnoreCase);
        headers["content-security-policy"] = headers.TryGetValue("content-security-policy", out string? served)
            ? served + ", " + TestPolicy
            : TestPolicy;
        await route.FulfillAsync(new RouteFulfillOptions { Response = response, Headers = headers });
    }

    /// <summary>Chromium logs a document's own 4xx status as a console error; tests assert that status themselves.</summary>
    private bool IsDocumentStatus(IConsoleMessage message)
    {
        if (!message.Text.StartsWith("Failed to load resource: the server responded with a status of", StringComparison.Ordinal))
        {
            return false;
        }

        lock (problems)
        {
            return documents.Any(document => message.Location.StartsWith(document, StringComparison.Ordinal));
        }
    }

    private void Record(string problem)
    {
        lock (problems)
        {
            problems.Add(problem);
        }
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return new StringBuilder().AppendJoin('\n', all.Skip(Math.Max(0, all.Length - lines))).ToString();
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex SafeName();
}
