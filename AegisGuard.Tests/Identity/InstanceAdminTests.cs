using System.Net;
using AegisGuard.Cli;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// The instance administrator (a flag on the user, apart from org roles): the first-start admin has it, creates orgs whose
/// owner joins by invitation, invites into any org and reads appliance-wide health; org members of any role and API keys
/// get 403; the CLI grants and revokes it, effective for running sessions at once.
/// </summary>
public sealed class InstanceAdminTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task The_first_admin_creates_an_org_whose_owner_joins_only_by_accepting()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var me = await Json.OkAsync(await admin.GetAsync("/api/auth/me"));
        Assert.True(me.GetProperty("instance_admin").GetBoolean());
        Assert.Contains("instance.admin", me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));

        var created = await Json.StatusAsync(await admin.PostAsync("/api/instance/orgs", new { slug = "acme", name = "Acme Corp", owner_email = "olga@acme.example.com" }),
            HttpStatusCode.Created);
        Assert.Equal("acme", created.GetProperty("org").GetProperty("slug").GetString());
        Assert.Equal("OWNER", created.GetProperty("invitation").GetProperty("role").GetString());
        var listed = await Json.OkAsync(await admin.GetAsync("/api/instance/orgs"));
        var acme = listed.EnumerateArray().Single(o => o.GetProperty("slug").GetString() == "acme");
        Assert.Equal(0, acme.GetProperty("members").GetInt32());
        Assert.Equal(1, acme.GetProperty("pending_invitations").GetInt32());

        var olga = new SessionClient(factory);
        await Json.OkAsync(await olga.PostAsync("/api/invitations/accept", new { token = IdentityApp.TokenOf(created), password = IdentityApp.UserPassword }));
        var session = await olga.LoginOkAsync("olga@acme.example.com", IdentityApp.UserPassword);
        Assert.Equal("acme", session.GetProperty("org").GetString());
        Assert.Equal("OWNER", session.GetProperty("role").GetString());
        Assert.False(session.GetProperty("instance_admin").GetBoolean());

        var audit = (await IdentityApp.AuditAsync(olga)).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["auth.login", "invitation.accepted", "invitation.created", "org.created"], audit);
        var acmeNow = (await Json.OkAsync(await admin.GetAsync("/api/instance/orgs"))).EnumerateArray().Single(o => o.GetProperty("slug").GetString() == "acme");
        Assert.Equal(1, acmeNow.GetProperty("members").GetInt32());
        Assert.Equal(0, acmeNow.GetProperty("pending_invitations").GetInt32());

        await Json.ProblemAsync(await admin.PostAsync("/api/instance/orgs", new { slug = "acme", owner_email = "x@example.com" }), HttpStatusCode.Conflict, "org_exists");
        var invalid = await Json.ProblemAsync(await admin.PostAsync("/api/instance/orgs", new { slug = "Not A Slug", owner_email = "nope" }), HttpStatusCode.UnprocessableEntity);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("slug", out _));
        Assert.True(invalid.GetProperty("errors").TryGetProperty("owner_email", out _));
    }

    [Fact]
    public async Task The_instance_admin_invites_into_any_org_lists_and_revokes_there_and_reads_appliance_health()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        await IdentityApp.OtherOrgAsync(factory, "org-h", "owner@h.example.com");
        string token = await IdentityApp.InviteAsync(admin, "second-owner@example.com", "OWNER", "/api/instance/orgs/org-h/invitations");
        await IdentityApp.InviteAsync(admin, "temp@example.com", "USER", "/api/instance/orgs/org-h/invitations");

        var pending = (await Json.OkAsync(await admin.GetAsync("/api/instance/orgs/org-h/invitations"))).EnumerateArray().ToList();
        Assert.Equal(2, pending.Count);
        string tempId = pending.Single(p => p.GetProperty("email").GetString() == "temp@example.com").GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/instance/orgs/org-h/invitations/{tempId}")).StatusCode);
        await Json.ProblemAsync(await admin.DeleteAsync($"/api/instance/orgs/default/invitations/{tempId}"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await admin.PostAsync("/api/instance/orgs/nope/invitations", new { email = "a@example.com", role = "USER" }), HttpStatusCode.NotFound);

        var owner = new SessionClient(factory);
        await Json.OkAsync(await owner.PostAsync("/api/invitations/accept", new { token, password = IdentityApp.UserPassword }));
        Assert.Equal("OWNER", (await owner.LoginOkAsync("second-owner@example.com", IdentityApp.UserPassword)).GetProperty("role").GetString());

        var health = await Json.OkAsync(await admin.GetAsync("/api/instance/health"));
        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("pipeline").TryGetProperty("rowsWritten", out _));
    }

    [Fact]
    public async Task Org_members_of_every_role_and_api_keys_get_403_from_the_instance_api()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-i", "owner@i.example.com");
        var (orgAdmin, _) = await IdentityApp.MemberAsync(factory, admin, "admin2@example.com", "ADMIN");
        var (_, key) = factory.CreateKey(scopes: "ingest,read");
        var keyClient = factory.CreateClient();
        keyClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", $"{key.Id}.{key.Secret}");

        foreach (var client in new[] { ownerB, orgAdmin })
        {
            await Json.ProblemAsync(await client.GetAsync("/api/instance/orgs"), HttpStatusCode.Forbidden, "forbidden");
            await Json.ProblemAsync(await client.GetAsync("/api/instance/health"), HttpStatusCode.Forbidden);
            await Json.ProblemAsync(await client.PostAsync("/api/instance/orgs", new { slug = "mine", owner_email = "me@example.com" }), HttpStatusCode.Forbidden);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await keyClient.GetAsync("/api/instance/orgs")).StatusCode);
        Assert.Null(factory.Service<AegisGuard.Storage.Metadata.MetadataStore>().FindOrgBySlug("mine"));
        await Json.StatusAsync(await ownerB.PostAsync("/api/users", new { email = "boss2@example.com", role = "OWNER" }), HttpStatusCode.Created); // their own org: yes
    }

    [Fact]
    public async Task The_cli_grants_and_revokes_instance_administration_for_running_sessions_and_keeps_the_last_one()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-j", "owner@j.example.com");
        await Json.ProblemAsync(await ownerB.GetAsync("/api/instance/orgs"), HttpStatusCode.Forbidden);

        Assert.Equal(0, Cli("users", "instance-admin", "--email", "owner@j.example.com", "--grant").Exit);
        await Json.OkAsync(await ownerB.GetAsync("/api/instance/orgs"));
        Assert.True((await Json.OkAsync(await ownerB.GetAsync("/api/auth/me"))).GetProperty("instance_admin").GetBoolean());
        Assert.Equal("admin@aegis.local\nowner@j.example.com", Cli("users", "instance-admin", "--list").Output.Trim().ReplaceLineEndings("\n"));

        Assert.Equal(0, Cli("users", "instance-admin", "--email", "owner@j.example.com", "--revoke").Exit);
        await Json.ProblemAsync(await ownerB.GetAsync("/api/instance/orgs"), HttpStatusCode.Forbidden);
        var last = Cli("users", "instance-admin", "--email", "admin@aegis.local", "--revoke");
        Assert.Equal(1, last.Exit);
        Assert.Contains("last instance administrator", last.Error, StringComparison.Ordinal);
        Assert.Equal(1, Cli("users", "instance-admin", "--email", "nobody@example.com", "--grant").Exit);
        Assert.Equal(2, Cli("users", "instance-admin", "--email", "owner@j.example.com").Exit);
        await Json.OkAsync(await admin.GetAsync("/api/instance/orgs"));

        var chain = factory.Service<AegisGuard.Storage.Metadata.MetadataStore>().ReadAuditChain().Where(e => e.Action.StartsWith("instance.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["instance.admin_granted", "instance.admin_revoked"], chain.Select(e => e.Action));
        Assert.All(chain, e => Assert.Equal(("cli", "owner@j.example.com"), (e.Actor, e.Target)));
    }

    [Fact]
    public async Task Orgs_create_with_an_owner_prints_a_link_that_makes_them_the_owner()
    {
        _ = factory.Services; // the server runs on the data directory, as in production
        var (exit, output, error) = Cli("orgs", "create", "--slug", "beta", "--name", "Beta", "--owner", "bea@beta.example.com");
        Assert.True(exit == 0, error);
        Assert.Contains("Created org 'beta' (Beta).", output, StringComparison.Ordinal);
        string token = output[(output.IndexOf("/invite/", StringComparison.Ordinal) + "/invite/".Length)..].Trim();

        var bea = new SessionClient(factory);
        await Json.OkAsync(await bea.PostAsync("/api/invitations/accept", new { token, password = IdentityApp.UserPassword }));
        var session = await bea.LoginOkAsync("bea@beta.example.com", IdentityApp.UserPassword);
        Assert.Equal("beta", session.GetProperty("org").GetString());
        Assert.Equal("OWNER", session.GetProperty("role").GetString());
        var audit = await IdentityApp.AuditAsync(bea);
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "invitation.created" && e.GetProperty("actor").GetString() == "cli");
        Assert.Equal(2, Cli("orgs", "create", "--slug", "gamma", "--owner", "not-an-email").Exit);
    }

    [Fact]
    public async Task Healthz_details_go_to_the_appliance_itself_and_instance_admins_while_other_callers_get_readiness_only()
    {
        const string Remote = "198.51.100.20";
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: Remote);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-k", "owner@k.example.com");
        ownerB.ForwardedFor = Remote;

        var local = await Json.OkAsync(await new SessionClient(factory).GetAsync("/healthz"));
        Assert.True(local.TryGetProperty("pipeline", out _));
        var remote = await Json.OkAsync(await new SessionClient(factory, Remote).GetAsync("/healthz"));
        Assert.Equal(["status", "ingest", "problems"], remote.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ready", remote.GetProperty("status").GetString());
        var member = await Json.OkAsync(await ownerB.GetAsync("/healthz"));
        Assert.False(member.TryGetProperty("pipeline", out _));
        var instanceAdmin = await Json.OkAsync(await admin.GetAsync("/healthz"));
        Assert.True(instanceAdmin.TryGetProperty("runtime", out _));
    }

    private (int Exit, string Output, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] all = [.. args, "--data", factory.DataDir];
        int exit = args[0] == "users" ? UsersCommand.Run(all[1..], output, error) : OrgsCommand.Run(all[1..], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => factory.Dispose();
}
