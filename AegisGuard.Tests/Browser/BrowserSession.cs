using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AegisGuard.Identity.Users;
using AegisGuard.Tests.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// What one browser test works with: the real AegisGuard executable on a temp data directory (<see cref="AppProcess"/>),
/// a fresh browser context and page on it, and everything the page complained about — console errors, uncaught
/// exceptions, Content Security Policy violations. Documents are served with a strict CSP (no inline script, no inline
/// style) whatever the server sends, so the pages are proven to work under the policy issue #3 adds.
/// <see cref="RunAsync"/> saves a full-page screenshot to <c>&lt;test bin&gt;/browser-screenshots/</c> when the test fails
/// (always, when <c>AEGIS_SCREENSHOTS=always</c>). Every page requires a signed-in user, so a session starts signed in as
/// the first admin (forced password change done) unless asked not to; the sign-in helpers use the JSON API through the
/// browser context's own cookie jar, so the pages see exactly the cookies a real sign-in leaves.
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    /// <summary>The first admin's password after the forced change (the seeded one is <see cref="UserService.FirstAdminPassword"/>).</summary>
    public const string AdminPassword = "Quiet-Harbor-Lamp-58";

    /// <summary>The password members invited by <see cref="AddMemberAsync"/> choose when they accept.</summary>
    public const string MemberPassword = "Brisk-Meadow-Tide-73";

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
    private readonly List<(string PathPrefix, int Status)> expectedFailures = [];
    private bool adminPasswordChanged;

    private BrowserSession(TempDirectory data, AppProcess app, IBrowserContext context, IPage page)
    {
        this.data = data;
        this.context = context;
        App = app;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsExpectedStatus(message))
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

    /// <summary>A fresh appliance and browser context; signed in as the first admin unless <paramref name="signedIn"/> is false.</summary>
    public static async Task<BrowserSession> StartAsync(BrowserFixture fixture, bool signedIn = true)
    {
        var session = await StartSignedOutAsync(fixture);
        if (signedIn)
        {
            try
            {
                await session.SignInAsAdminAsync();
            }
            catch
            {
                await session.DisposeAsync();
                throw;
            }
        }

        return session;
    }

    private static async Task<BrowserSession> StartSignedOutAsync(BrowserFixture fixture)
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

    /// <summary>
    /// Signs the browser in as <c>admin@aegis.local</c>: with the seeded password the first time (then the forced change to
    /// <see cref="AdminPassword"/>), with <see cref="AdminPassword"/> afterwards.
    /// </summary>
    public async Task SignInAsAdminAsync()
    {
        if (adminPasswordChanged)
        {
            await SignInAsync(UserService.FirstAdminEmail, AdminPassword);
            return;
        }

        var body = await SignInAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);
        Assert.True(body.GetProperty("must_change_password").GetBoolean());
        await ApiOkAsync("POST", "/api/auth/password",
            new { current_password = UserService.FirstAdminPassword, new_password = AdminPassword }, body.GetProperty("csrf_token").GetString());
        adminPasswordChanged = true;
    }

    /// <summary>
    /// Tells the session that the test changed the admin's password itself (through the pages), so later
    /// <see cref="SignInAsAdminAsync"/> calls use <see cref="AdminPassword"/> without a failed attempt first.
    /// </summary>
    public void AdminPasswordWasChanged() => adminPasswordChanged = true;

    /// <summary>Signs the browser in as <paramref name="email"/> (replacing any session); returns the session as /api/auth/login describes it.</summary>
    public Task<JsonElement> SignInAsync(string email, string password) =>
        ApiOkAsync("POST", "/api/auth/login", new { email, password });

    /// <summary>
    /// As the signed-in admin: invites <paramref name="email"/> with <paramref name="role"/> through <c>POST /api/users</c> and
    /// returns the invitation's one-time token (open <c>/invite/{token}</c>, or use <see cref="SignInAsMemberAsync"/>).
    /// </summary>
    public async Task<string> AddMemberAsync(string email, string role)
    {
        var created = await ApiOkAsync("POST", "/api/users", new { email, role }, await CsrfTokenAsync(), expected: 201);
        string url = created.GetProperty("accept_url").GetString()!;
        return url[(url.IndexOf("/invite/", StringComparison.Ordinal) + "/invite/".Length)..];
    }

    /// <summary>
    /// Ends the current session, accepts the invitation of <see cref="AddMemberAsync"/> as the new person with
    /// <see cref="MemberPassword"/> and signs the browser in as them.
    /// </summary>
    public async Task SignInAsMemberAsync(string email, string invitationToken)
    {
        await SignOutAsync();
        await ApiOkAsync("POST", "/api/invitations/accept", new { token = invitationToken, password = MemberPassword });
        await SignInAsync(email, MemberPassword);
    }

    /// <summary>Forgets the session (the browser's cookies), as closing the browser would.</summary>
    public Task SignOutAsync() => context.ClearCookiesAsync();

    /// <summary>Calls the JSON API with the browser's cookies and fails unless it answers <paramref name="expected"/>.</summary>
    public async Task<JsonElement> ApiOkAsync(string method, string path, object? body = null, string? csrf = null, int expected = 200)
    {
        var (status, json) = await ApiAsync(method, path, body, csrf);
        Assert.True(status == expected, $"{method} {path} answered {status}, expected {expected}: {json}");
        return json;
    }

    /// <summary>Calls the JSON API with the browser's cookies; returns the status and the JSON body (default when empty).</summary>
    public async Task<(int Status, JsonElement Body)> ApiAsync(string method, string path, object? body = null, string? csrf = null)
    {
        var options = new APIRequestContextOptions { Method = method, Headers = new Dictionary<string, string> { ["Accept"] = "application/json" } };
        if (body is not null)
        {
            options.DataObject = body;
        }

        if (csrf is not null)
        {
            options.Headers = new Dictionary<string, string> { ["Accept"] = "application/json", ["X-CSRF-TOKEN"] = csrf };
        }

        var response = await context.APIRequest.FetchAsync(path, options);
        string text = await response.TextAsync();
        return (response.Status, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>An antiforgery token for the current session (<c>GET /api/auth/csrf</c>).</summary>
    public async Task<string> CsrfTokenAsync() =>
        (await ApiOkAsync("GET", "/api/auth/csrf")).GetProperty("token").GetString()!;

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

        // Redirects are handed to the browser as they are (sign-in sends people around): following them here would
        // show the final page under the first address, and its forms would post to the wrong place.
        var response = await route.FetchAsync(new RouteFetchOptions { MaxRedirects = 0 });
        var headers = new Dictionary<string, string>(response.Headers, StringComparer.OrdinalIgnoreCase);
        headers["content-security-policy"] = headers.TryGetValue("content-security-policy", out string? served)
            ? served + ", " + TestPolicy
            : TestPolicy;
        await route.FulfillAsync(new RouteFulfillOptions { Response = response, Headers = headers });
    }

    /// <summary>
    /// Declares that the page will get <paramref name="status"/> from <paramref name="pathPrefix"/> on purpose (a test of how
    /// an error is shown): Chromium's console error for that response is then not counted as a problem.
    /// </summary>
    public void ExpectFailedResponse(string pathPrefix, int status)
    {
        lock (problems)
        {
            expectedFailures.Add((pathPrefix, status));
        }
    }

    /// <summary>
    /// Chromium logs every 4xx/5xx response as a console error. A document's own status is asserted by the tests
    /// themselves, and so are the failures declared with <see cref="ExpectFailedResponse"/>; any other is a problem.
    /// </summary>
    private bool IsExpectedStatus(IConsoleMessage message)
    {
        var failed = FailedResource().Match(message.Text);
        var location = LocationUrl().Match(message.Location);
        if (!failed.Success || !location.Success || !Uri.TryCreate(location.Groups[1].Value, UriKind.Absolute, out var url))
        {
            return false;
        }

        int status = int.Parse(failed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        lock (problems)
        {
            return documents.Contains(url.AbsoluteUri) ||
                   expectedFailures.Any(e => e.Status == status && url.PathAndQuery.StartsWith(e.PathPrefix, StringComparison.Ordinal));
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

    [GeneratedRegex("^Failed to load resource: the server responded with a status of (\\d{3})")]
    private static partial Regex FailedResource();

    // Playwright writes a console message's location as url:line:column.
    [GeneratedRegex("^(.*):\\d+:\\d+$")]
    private static partial Regex LocationUrl();
}
