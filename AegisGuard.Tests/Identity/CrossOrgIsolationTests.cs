using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>A user or key of org A never sees org B's users, keys, audit entries, settings or telemetry — and cannot touch them.</summary>
public sealed class CrossOrgIsolationTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task Users_of_one_org_neither_see_nor_change_another_orgs_objects()
    {
        var adminA = await IdentityApp.AdminAsync(factory);
        var (orgB, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-b", "owner@b.example.com");
        var keyB = await Json.StatusAsync(await ownerB.PostAsync("/api/keys", Bodies.Key("b-agent", "ingest", "read")), HttpStatusCode.Created);
        string keyBId = keyB.GetProperty("id").GetString()!;
        await Json.OkAsync(await ownerB.PutAsync("/api/org/settings", new { retention_days = 7 }));
        long ownerBId = (await Json.OkAsync(await ownerB.GetAsync("/api/auth/me"))).GetProperty("user_id").GetInt64();

        var usersA = await Json.OkAsync(await adminA.GetAsync("/api/users"));
        Assert.DoesNotContain(usersA.EnumerateArray(), u => u.GetProperty("email").GetString() == "owner@b.example.com");
        var keysA = await Json.OkAsync(await adminA.GetAsync("/api/keys"));
        Assert.DoesNotContain(keysA.EnumerateArray(), k => k.GetProperty("id").GetString() == keyBId);
        var auditA = await IdentityApp.AuditAsync(adminA);
        Assert.DoesNotContain(auditA, e => e.GetProperty("actor").GetString() == "owner@b.example.com" || e.GetProperty("target").GetString() == keyBId);
        Assert.Equal(30, (await Json.OkAsync(await adminA.GetAsync("/api/org/settings"))).GetProperty("retention_days").GetInt32());
        Assert.Equal("org-b", (await Json.OkAsync(await ownerB.GetAsync("/api/org/settings"))).GetProperty("org").GetString());

        await Json.ProblemAsync(await adminA.PostAsync($"/api/keys/{keyBId}/revoke"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await adminA.PostAsync($"/api/keys/{keyBId}/rotate"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await adminA.PutAsync($"/api/users/{ownerBId}/role", new { role = "VIEWER" }), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await adminA.DeleteAsync($"/api/users/{ownerBId}"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await adminA.PostAsync("/api/auth/switch-org", new { org = "org-b" }), HttpStatusCode.NotFound);

        // B's key still works, B's owner is still an owner: nothing of A's attempts landed.
        var agentB = new SignedClient(factory.CreateClient(), keyBId, keyB.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.Accepted, (await agentB.PostAsync("/v1/logs", Some.LogBatch(Some.Log("only for b")))).StatusCode);
        Assert.Equal("OWNER", (await Json.OkAsync(await ownerB.GetAsync("/api/auth/me"))).GetProperty("role").GetString());
        Assert.Equal(orgB.Slug, (await Json.OkAsync(await ownerB.GetAsync("/api/auth/me"))).GetProperty("org").GetString());
    }

    [Fact]
    public async Task Telemetry_of_one_org_is_invisible_to_the_keys_and_users_of_another()
    {
        var adminA = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-c", "owner@c.example.com");
        var (_, keyA) = factory.CreateKey();
        var keyB = await Json.StatusAsync(await ownerB.PostAsync("/api/keys", Bodies.Key("c-agent", "ingest", "read")), HttpStatusCode.Created);
        var agentA = new SignedClient(factory.CreateClient(), keyA);
        var agentB = new SignedClient(factory.CreateClient(), keyB.GetProperty("id").GetString()!, keyB.GetProperty("secret").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, (await agentA.PostAsync("/v1/logs", Some.LogBatch(Some.Log("secret of a")))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await agentB.PostAsync("/v1/logs", Some.LogBatch(Some.Log("note of c")))).StatusCode);
        await LogsReader.WaitForAsync(agentA, "q=secret", 1);
        await LogsReader.WaitForAsync(agentB, "q=note", 1);

        Assert.Empty(await LogsReader.ReadAsync(agentB, "q=secret"));
        Assert.Empty(await LogsReader.ReadAsync(agentA, "q=note"));
        Assert.Equal(0, (await Json.OkAsync(await ownerB.GetAsync("/api/logs?q=secret"))).GetProperty("logs").GetArrayLength());
        Assert.Equal(1, (await Json.OkAsync(await ownerB.GetAsync("/api/logs?q=note"))).GetProperty("logs").GetArrayLength());
        Assert.Equal(0, (await Json.OkAsync(await adminA.GetAsync("/api/logs?q=note"))).GetProperty("logs").GetArrayLength());
    }

    [Fact]
    public async Task A_member_of_two_orgs_switches_and_then_acts_in_the_other_org_only()
    {
        var adminA = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-d", "owner@d.example.com");
        string token = await IdentityApp.InviteAsync(ownerB, "admin@aegis.local", "VIEWER");
        Assert.Single((await Json.OkAsync(await adminA.GetAsync("/api/auth/me"))).GetProperty("orgs").EnumerateArray()); // not added before accepting
        await Json.OkAsync(await adminA.PostAsync("/api/invitations/accept", new { token }));

        var me = await Json.OkAsync(await adminA.GetAsync("/api/auth/me"));
        Assert.Equal(2, me.GetProperty("orgs").GetArrayLength());
        var switched = await Json.OkAsync(await adminA.PostAsync("/api/auth/switch-org", new { org = "org-d" }));
        Assert.Equal("org-d", switched.GetProperty("org").GetString());
        Assert.Equal("VIEWER", switched.GetProperty("role").GetString());
        await Json.ProblemAsync(await adminA.GetAsync("/api/users"), HttpStatusCode.Forbidden);

        await Json.OkAsync(await adminA.PostAsync("/api/auth/switch-org", new { org = "default" }));
        await Json.OkAsync(await adminA.GetAsync("/api/users"));
    }

    public void Dispose() => factory.Dispose();
}
