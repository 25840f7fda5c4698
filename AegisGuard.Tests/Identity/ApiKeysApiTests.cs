using System.Net;
using System.Net.Http.Headers;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>Seed security test 3: a key created through the API signs ingestion and reads; revoke and rotate work at once.</summary>
public sealed class ApiKeysApiTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task A_key_created_through_the_api_ingests_signed_batches_and_reads_them_back()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var created = await Json.StatusAsync(await admin.PostAsync("/api/keys", Bodies.Key("agent", "ingest", "read")), HttpStatusCode.Created);
        string id = created.GetProperty("id").GetString()!;
        string secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("obs_", id, StringComparison.Ordinal);

        var agent = new SignedClient(factory.CreateClient(), id, secret);
        using var accepted = await agent.PostAsync("/v1/logs", Some.LogBatch(Some.Log("hello from an api key")));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var forged = await agent.PostAsync("/v1/logs", Some.LogBatch(Some.Log("forged")), signature: SignedClient.Sign("not-the-secret", "x"u8));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        var lines = await LogsReader.WaitForAsync(agent, "q=hello", 1);
        Assert.Equal("hello from an api key", lines[0].GetProperty("message").GetString());

        // Users read the same org's telemetry with their session.
        var viaSession = await Poll.UntilAsync(async () => await Json.OkAsync(await admin.GetAsync("/api/logs?q=hello")), j => j.GetProperty("logs").GetArrayLength() == 1);
        Assert.Equal("hello from an api key", viaSession.GetProperty("logs")[0].GetProperty("message").GetString());

        var listed = await Json.OkAsync(await admin.GetAsync("/api/keys"));
        var entry = listed.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.False(entry.TryGetProperty("secret", out _));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, entry.GetProperty("last_used_at").ValueKind);
        Assert.Equal("admin@aegis.local", entry.GetProperty("created_by").GetString());
    }

    [Fact]
    public async Task A_revoked_key_gets_401_at_once_for_ingestion_and_reads()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var created = await Json.StatusAsync(await admin.PostAsync("/api/keys", Bodies.Key("short-lived", "ingest", "read")), HttpStatusCode.Created);
        var agent = new SignedClient(factory.CreateClient(), created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.Accepted, (await agent.PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/logs")).StatusCode);

        var revoked = await Json.OkAsync(await admin.PostAsync($"/api/keys/{created.GetProperty("id").GetString()}/revoke"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, revoked.GetProperty("revoked_at").ValueKind);

        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/logs")).StatusCode);
        await Json.ProblemAsync(await admin.PostAsync($"/api/keys/{created.GetProperty("id").GetString()}/revoke"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rotated_key_accepts_the_new_secret_and_the_old_one_during_the_grace_period()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var created = await Json.StatusAsync(await admin.PostAsync("/api/keys", Bodies.Key("rotating", "ingest")), HttpStatusCode.Created);
        string id = created.GetProperty("id").GetString()!;
        var rotated = await Json.OkAsync(await admin.PostAsync($"/api/keys/{id}/rotate"));
        string newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(created.GetProperty("secret").GetString(), newSecret);
        var graceEnds = rotated.GetProperty("previous_secret_valid_until").GetDateTime();
        Assert.InRange(graceEnds - DateTime.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        Assert.Equal(HttpStatusCode.Accepted, (await new SignedClient(factory.CreateClient(), id, newSecret).PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await new SignedClient(factory.CreateClient(), id, created.GetProperty("secret").GetString()!).PostAsync("/v1/logs", Some.Logs(1))).StatusCode);

        var actions = (await IdentityApp.AuditAsync(admin, "action=key.")).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("key.created", actions);
        Assert.Contains("key.rotated", actions);
    }

    [Fact]
    public async Task Creating_a_key_names_the_invalid_fields()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var problem = await Json.ProblemAsync(await admin.PostAsync("/api/keys", Bodies.Key("", "write")), HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("scopes", out _));
    }

    [Fact]
    public async Task An_api_key_cannot_manage_keys()
    {
        var (_, key) = factory.CreateKey(scopes: "ingest,read");
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/keys");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{key.Id}.{key.Secret}");
        await Json.ProblemAsync(await factory.CreateClient().SendAsync(request), HttpStatusCode.Forbidden);
    }

    public void Dispose() => factory.Dispose();
}
