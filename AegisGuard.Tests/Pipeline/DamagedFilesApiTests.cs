using System.Net;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Storage;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Pipeline;

/// <summary>
/// What an org admin does about a Parquet file that was moved aside as damaged: sees it with what it held, lists it again
/// once a good copy is back, or accepts the loss — and never sees or touches another org's files.
/// </summary>
public sealed class DamagedFilesApiTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task A_restored_copy_is_listed_again_and_its_rows_come_back()
    {
        var (client, store, victim, copy) = await DamagedFileAsync();
        var admin = await IdentityApp.AdminAsync(factory);

        var listed = await Json.OkAsync(await admin.GetAsync("/api/storage/damaged-files"));
        var file = Assert.Single(listed.GetProperty("files").EnumerateArray());
        Assert.Equal((victim.Path, 3L), (file.GetProperty("path").GetString(), file.GetProperty("rows").GetInt64()));

        using (var notBack = await admin.PostAsync("/api/storage/damaged-files/relist", new { path = victim.Path }))
        {
            Assert.Equal(HttpStatusCode.Conflict, notBack.StatusCode); // nothing restored yet
        }

        File.Copy(copy, Path.Combine(store.TelemetryRoot, victim.Path));
        await Json.OkAsync(await admin.PostAsync("/api/storage/damaged-files/relist", new { path = victim.Path }));

        Assert.True(store.Manifest.IsListed(victim.Path));
        Assert.Null(factory.Service<HealthConditions>().Find(TelemetryStore.DamagedFileHealthPrefix + victim.Path));
        Assert.Equal(7, (await LogsReader.ReadAsync(client, "q=line&from=2020-01-01T00:00:00Z")).Count);
        var audit = await Json.OkAsync(await admin.GetAsync("/api/audit?action=storage.file_relisted"));
        Assert.Equal(victim.Path, audit.GetProperty("entries")[0].GetProperty("target").GetString());
    }

    [Fact]
    public async Task Accepting_the_loss_ends_the_warning_and_keeps_the_record()
    {
        var (_, store, victim, _) = await DamagedFileAsync();
        var admin = await IdentityApp.AdminAsync(factory);

        var accepted = await Json.OkAsync(await admin.PostAsync("/api/storage/damaged-files/accept", new { path = victim.Path }));

        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, accepted.GetProperty("accepted_at").ValueKind);
        Assert.Null(factory.Service<HealthConditions>().Find(TelemetryStore.DamagedFileHealthPrefix + victim.Path));
        Assert.Empty((await Json.OkAsync(await admin.GetAsync("/api/storage/damaged-files"))).GetProperty("files").EnumerateArray());
        Assert.Single((await Json.OkAsync(await admin.GetAsync("/api/storage/damaged-files?include_accepted=true"))).GetProperty("files").EnumerateArray());
        Assert.NotNull(store.Manifest.FindDamaged(victim.Path));
    }

    [Fact]
    public async Task Another_orgs_damaged_file_is_neither_listed_nor_changed()
    {
        var (_, store, victim, _) = await DamagedFileAsync();
        var (_, otherOwner) = await IdentityApp.OtherOrgAsync(factory, "neighbour", "owner@neighbour.test");

        Assert.Empty((await Json.OkAsync(await otherOwner.GetAsync("/api/storage/damaged-files"))).GetProperty("files").EnumerateArray());
        using (var accept = await otherOwner.PostAsync("/api/storage/damaged-files/accept", new { path = victim.Path }))
        {
            Assert.Equal(HttpStatusCode.NotFound, accept.StatusCode);
        }

        Assert.Null(store.Manifest.FindDamaged(victim.Path)!.AcceptedAt);
    }

    /// <summary>
    /// Org default with 3 lines in one file and 4 in another; the first file is truncated and found by a read. Returns a
    /// good copy of it saved beforehand (the "backup").
    /// </summary>
    private async Task<(SignedClient Client, TelemetryStore Store, ManifestFile Victim, string Copy)> DamagedFileAsync()
    {
        var (org, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);
        foreach (int count in new[] { 3, 4 })
        {
            using var response = await client.PostAsync("/v1/logs", Some.Logs(count, $"line {count}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await LogsReader.WaitForAsync(client, $"q=line%20{count}", count);
        }

        var store = factory.Service<TelemetryStore>();
        var victim = store.Manifest.ListFiles(Signal.Logs, org.Id, DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(1)).Single(f => f.Rows == 3);
        string copy = Path.Combine(factory.DataDir, "backup.parquet");
        File.Copy(Path.Combine(store.TelemetryRoot, victim.Path), copy);
        ParquetDamage.Apply(ParquetDamage.Truncated, Path.Combine(store.TelemetryRoot, victim.Path));
        Assert.Equal(4, (await LogsReader.ReadAsync(client, "q=line&from=2020-01-01T00:00:00Z")).Count);
        Assert.NotNull(store.Manifest.FindDamaged(victim.Path));
        return (client, store, victim, copy);
    }

    public void Dispose() => factory.Dispose();
}
