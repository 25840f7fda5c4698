using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// One headless Chromium per test collection, driven by Playwright .NET. It is Debian's Chromium
/// (<c>apt-get install chromium</c>, done by .ci/run): Playwright is never asked to download a browser.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install it with `apt-get install -y chromium` (.ci/run does).");
        }

        // Expectations wait up to 15 s (Playwright's default is 5 s): a CI machine running hundreds of tests on two
        // cores can be slow to paint, and a wrong page still fails, just later.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
    }
}
