using AegisGuard.Pipeline;
using AegisGuard.Storage.Quarantine;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

public sealed partial class OverviewPageTests
{
    [Fact]
    public Task A_quarantined_batch_is_listed_with_its_reason_and_an_admin_replays_it_from_the_overview() => session.RunAsync(async page =>
    {
        var (keyId, secret) = await AppProcess.CreateKeyAsync(session.DataDir);
        using var http = new HttpClient { BaseAddress = new Uri(session.App.Url) };
        var client = new SignedClient(http, keyId, secret);
        using (var first = await client.PostAsync("/v1/logs", Some.Logs(1, "something stored")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, first.StatusCode);
        }

        string marker = Guid.NewGuid().ToString("N");
        string id = SetAside(orgId: 1, $"{marker} back from quarantine");

        await session.GotoAsync("/");
        var row = page.Locator($"[data-quarantine-id='{id}']");
        await Expect(row).ToContainTextAsync("set aside by a browser test");
        await Expect(row).ToContainTextAsync("logs");

        await row.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();

        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("went back through the pipeline");
        await Expect(page.Locator($"[data-quarantine-id='{id}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-quarantine-empty]")).ToBeVisibleAsync();
        Assert.Single(await LogsReader.WaitForAsync(client, $"q={marker}", 1));
        session.AssertNoProblems();
    });

    /// <summary>
    /// Sets a batch aside in the running appliance's quarantine, encrypted with its own key ring (data/keys), as the
    /// pipeline does when it cannot store a record.
    /// </summary>
    private string SetAside(int orgId, string message)
    {
        var provider = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(session.DataDir, "keys")), b => b.SetApplicationName("AegisGuard"));
        var store = new QuarantineStore(Path.Combine(session.DataDir, "quarantine", "records"), new QuarantineProtector(provider));
        return SomeQuarantine.SetAside(store, orgId, "set aside by a browser test", message);
    }
}
