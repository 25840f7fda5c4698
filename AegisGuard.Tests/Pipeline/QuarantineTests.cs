using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using AegisGuard.Ingest;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Quarantine;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Pipeline;

/// <summary>
/// A record the pipeline cannot store never stops it: it is set aside with its reason, listed for its own org, and can
/// be replayed or discarded. The records here are appended to the ingest log directly, as damage or a bug would leave
/// them — the ingest API itself no longer accepts anything the pipeline could choke on.
/// </summary>
public sealed class QuarantineTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task Poison_record_is_quarantined_and_the_pipeline_goes_on()
    {
        var (org, key) = factory.CreateKey();
        var log = factory.Service<IngestLog>();
        var client = new SignedClient(factory.CreateClient(), key);

        // A legacy (version 1) record whose JSON holds a lone surrogate in a nested attribute key and value: the landed
        // normalizer threw on it outside any guard and stopped storing for every org.
        await log.AppendAsync(LegacyRecord(org.Id, """{"logs":[{"message":"poison","attributes":{"a":{"\ud800":"x\udfff"}}}]}"""), CancellationToken.None);
        // A current record whose rows claim more than they hold, and one whose header is garbage.
        byte[] cut = new IngestEnvelope(Signal.Logs, org.Id, DateTime.UtcNow, Guid.NewGuid(), 1).ToRecord(null, [SomeQuarantine.Row("cut short")]);
        cut[IngestEnvelope.HeaderSize] = 5; // the row count
        await log.AppendAsync(cut, CancellationToken.None);
        await log.AppendAsync(Encoding.UTF8.GetBytes("\u0007not a record at all"), CancellationToken.None);

        string marker = Guid.NewGuid().ToString("N");
        using (var response = await client.PostAsync("/v1/logs", Some.Logs(3, marker)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(3, (await LogsReader.WaitForAsync(client, $"q={marker}", 3, TimeSpan.FromSeconds(15))).Count);
        await Poll.UntilAsync(() => Task.FromResult(factory.Service<PipelineStatus>().Quarantined), n => n == 3, TimeSpan.FromSeconds(15), "3 quarantined records");
        Assert.True(factory.Service<HealthConditions>().IsReady, string.Join("; ", factory.Service<HealthConditions>().Current.Select(c => c.Reason)));

        var admin = await IdentityApp.AdminAsync(factory);
        var listed = await Json.OkAsync(await admin.GetAsync("/api/quarantine"));
        var records = listed.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count); // the garbage one names no org: it is on disk, but no org's to see
        Assert.Contains(records, r => r.GetProperty("reason").GetString()!.Contains("early", StringComparison.Ordinal) && r.GetProperty("stage").GetString() == "decode");
        Assert.Contains(records, r => r.GetProperty("signal").GetString() == "logs" && r.GetProperty("items").GetInt32() == 1);
        Assert.Equal(3, Directory.EnumerateFiles(Path.Combine(factory.DataDir, "quarantine", "records"), "*.json").Count());
    }

    [Fact]
    public async Task A_replayed_batch_is_stored_once_and_its_entry_is_marked_replayed()
    {
        var (org, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);
        string marker = Guid.NewGuid().ToString("N");
        var id = SetAside(org.Id, $"{marker} came back", $"{marker} and me");
        var admin = await IdentityApp.AdminAsync(factory);

        using var replay = await admin.PostAsync($"/api/quarantine/{id}/replay");
        var replayed = await Json.StatusAsync(replay, HttpStatusCode.Accepted);

        Assert.Equal("replayed", replayed.GetProperty("state").GetString());
        Assert.Equal(2, (await LogsReader.WaitForAsync(client, $"q={marker}", 2, TimeSpan.FromSeconds(15))).Count);
        using (var again = await admin.PostAsync($"/api/quarantine/{id}/replay"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        var history = await Json.OkAsync(await admin.GetAsync("/api/quarantine?include_replayed=true"));
        Assert.Equal("replayed", history.GetProperty("records").EnumerateArray().Single(r => r.GetProperty("id").GetString() == id).GetProperty("state").GetString());
        Assert.Empty((await Json.OkAsync(await admin.GetAsync("/api/quarantine"))).GetProperty("records").EnumerateArray());
        var audit = await Json.OkAsync(await admin.GetAsync("/api/audit?action=quarantine.replayed"));
        Assert.Equal(id, audit.GetProperty("entries")[0].GetProperty("target").GetString());

        // Everything the log holds is stored: a wrong second copy would be visible now.
        await Poll.UntilAsync(() => Task.FromResult(factory.Service<PipelineStatus>().FlushedUntil), f => f >= factory.Service<IngestLog>().CommittedUntilAddress, TimeSpan.FromSeconds(15), "the pipeline to catch up");
        Assert.Equal(2, (await LogsReader.ReadAsync(client, $"q={marker}")).Count);
    }

    [Fact]
    public async Task Another_orgs_quarantined_batches_are_neither_listed_nor_found()
    {
        var (org, _) = factory.CreateKey();
        string id = SetAside(org.Id, "belongs to default");
        var (_, otherOwner) = await IdentityApp.OtherOrgAsync(factory, "elsewhere", "owner@elsewhere.test");

        Assert.Empty((await Json.OkAsync(await otherOwner.GetAsync("/api/quarantine"))).GetProperty("records").EnumerateArray());
        using (var replay = await otherOwner.PostAsync($"/api/quarantine/{id}/replay"))
        {
            Assert.Equal(HttpStatusCode.NotFound, replay.StatusCode);
        }

        using (var discard = await otherOwner.DeleteAsync($"/api/quarantine/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, discard.StatusCode);
        }

        Assert.NotNull(factory.Service<QuarantineStore>().Find(id));
    }

    [Fact]
    public async Task A_discarded_batch_is_gone_and_the_discard_is_audited()
    {
        var (org, _) = factory.CreateKey();
        string id = SetAside(org.Id, "give me up");
        var admin = await IdentityApp.AdminAsync(factory);

        using (var discard = await admin.DeleteAsync($"/api/quarantine/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, discard.StatusCode);
        }

        Assert.Null(factory.Service<QuarantineStore>().Find(id));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "quarantine", "records"), id + "*"));
        var audit = await Json.OkAsync(await admin.GetAsync("/api/audit?action=quarantine.discarded"));
        Assert.Equal(id, audit.GetProperty("entries")[0].GetProperty("target").GetString());
    }

    [Fact]
    public async Task Members_without_org_settings_cannot_see_the_quarantine()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (viewer, _) = await IdentityApp.MemberAsync(factory, admin, "viewer@example.test", "VIEWER");

        using var response = await viewer.GetAsync("/api/quarantine");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public void Quarantined_payloads_are_encrypted_at_rest()
    {
        var (org, _) = factory.CreateKey();
        string id = SetAside(org.Id, "secret-looking text jane.doe@example.com");

        byte[] onDisk = File.ReadAllBytes(Path.Combine(factory.DataDir, "quarantine", "records", id + ".rec"));

        Assert.DoesNotContain("jane.doe", Encoding.UTF8.GetString(onDisk), StringComparison.Ordinal);
        Assert.Contains("jane.doe", Encoding.UTF8.GetString(factory.Service<QuarantineStore>().ReadPayload(id)), StringComparison.Ordinal);
    }

    [Fact]
    public void Records_an_earlier_version_set_aside_unencrypted_are_moved_into_the_encrypted_quarantine_at_start()
    {
        string legacy = Path.Combine(factory.DataDir, "ingest", "quarantine");
        Directory.CreateDirectory(legacy);
        string file = Path.Combine(legacy, "00000000004096.bin");
        File.WriteAllBytes(file, LegacyRecord(1, """{"logs":[{"message":"raw jane.doe@example.com"}]}"""));

        var entry = Assert.Single(factory.Service<QuarantineStore>().List(1)); // resolving the store starts the host

        Assert.False(File.Exists(file));
        Assert.Equal((4096L, "logs", 1), (entry.Address, entry.Signal, entry.ItemCount));
        byte[] onDisk = File.ReadAllBytes(Path.Combine(factory.DataDir, "quarantine", "records", entry.Id + ".rec"));
        Assert.DoesNotContain("jane.doe", Encoding.UTF8.GetString(onDisk), StringComparison.Ordinal);
    }

    private string SetAside(int orgId, params string[] messages) =>
        SomeQuarantine.SetAside(factory.Service<QuarantineStore>(), orgId, "set aside by a test", messages);

    /// <summary>A record as the previous version wrote it: 36-byte header, then the request JSON.</summary>
    private static byte[] LegacyRecord(int orgId, string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        var record = new byte[IngestEnvelope.LegacyHeaderSize + body.Length];
        record[0] = 1;
        record[1] = (byte)Signal.Logs;
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), orgId);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(8), (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10);
        Guid.NewGuid().TryWriteBytes(record.AsSpan(16, 16));
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(32), JsonDocument.Parse(body).RootElement.GetProperty("logs").GetArrayLength());
        body.CopyTo(record, IngestEnvelope.LegacyHeaderSize);
        return record;
    }

    public void Dispose() => factory.Dispose();
}
