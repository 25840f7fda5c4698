using System.Net;
using System.Text.Json;
using AegisGuard.Identity.Invitations;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// People join orgs by invitation (issue #8): POST /api/users tells nothing about accounts of other orgs and adds nobody;
/// the invitee accepts with a one-time token, as a new person with a password or as the signed-in owner of the account.
/// </summary>
public sealed class InvitationTests : IDisposable
{
    private static readonly string[] AnswerShape = ["accept_url", "invitation", "invitation.created_at", "invitation.email", "invitation.expires_at",
        "invitation.id", "invitation.invited_by", "invitation.org", "invitation.role"];

    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task Inviting_another_orgs_member_answers_exactly_as_inviting_a_new_address_and_adds_nobody()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-b", "owner@b.example.com");
        var store = factory.Service<MetadataStore>();
        long usersBefore = store.CountUsers();

        using var existing = await admin.PostAsync("/api/users", new { email = "owner@b.example.com", role = "ADMIN" });
        using var fresh = await admin.PostAsync("/api/users", new { email = "nobody@new.example.com", role = "ADMIN" });

        Assert.Equal(HttpStatusCode.Created, existing.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        var existingBody = JsonDocument.Parse(await existing.Content.ReadAsStringAsync()).RootElement;
        var freshBody = JsonDocument.Parse(await fresh.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(AnswerShape, Shape(existingBody));
        Assert.Equal(AnswerShape, Shape(freshBody));
        Assert.Equal(existing.Content.Headers.ContentType?.ToString(), fresh.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("/api/invitations/inv_", existing.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // The same work on both paths — no account is made or looked up (the old path hashed a temporary password only
        // for new addresses, which made the two answers take measurably different times) — and nobody joined.
        Assert.Equal(usersBefore, store.CountUsers());
        var members = await Json.OkAsync(await admin.GetAsync("/api/users"));
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("email").GetString() == "owner@b.example.com");
        var ownerSession = await Json.OkAsync(await ownerB.GetAsync("/api/auth/me"));
        Assert.Single(ownerSession.GetProperty("orgs").EnumerateArray());
        var audit = await IdentityApp.AuditAsync(admin, "action=invitation.created");
        Assert.Equal(2, audit.Count);
        Assert.Equal(audit[0].GetProperty("details").EnumerateObject().Select(p => p.Name), audit[1].GetProperty("details").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_new_person_accepts_with_a_password_of_their_own_and_the_token_works_once()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string token = await IdentityApp.InviteAsync(admin, "erin@example.com", "VIEWER");
        var erin = new SessionClient(factory);

        var weak = await Json.ProblemAsync(await erin.PostAsync("/api/invitations/accept", new { token, password = "short" }), HttpStatusCode.UnprocessableEntity);
        Assert.True(weak.GetProperty("errors").TryGetProperty("password", out _));
        var accepted = await Json.OkAsync(await erin.PostAsync("/api/invitations/accept", new { token, password = IdentityApp.UserPassword }));
        Assert.Equal("default", accepted.GetProperty("org").GetString());
        Assert.Equal("VIEWER", accepted.GetProperty("role").GetString());

        await Json.ProblemAsync(await new SessionClient(factory).PostAsync("/api/invitations/accept", new { token, password = "Other-Valid-Pass-99" }),
            HttpStatusCode.NotFound, "not_found");
        var session = await erin.LoginOkAsync("erin@example.com", IdentityApp.UserPassword);
        Assert.Equal("VIEWER", session.GetProperty("role").GetString());
        Assert.False(session.GetProperty("must_change_password").GetBoolean());
        await Json.ProblemAsync(await new SessionClient(factory).LoginAsync("erin@example.com", "Other-Valid-Pass-99"), HttpStatusCode.Unauthorized);
        Assert.Empty((await Json.OkAsync(await admin.GetAsync("/api/invitations"))).EnumerateArray());
    }

    [Fact]
    public async Task An_existing_account_signs_in_to_accept_and_its_password_is_never_replaced()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-e", "owner@e.example.com");
        string token = await IdentityApp.InviteAsync(admin, "owner@e.example.com", "USER");

        var stranger = new SessionClient(factory);
        await Json.ProblemAsync(await stranger.PostAsync("/api/invitations/accept", new { token, password = "Taken-Over-Pass-42" }), HttpStatusCode.Conflict, "sign_in_required");
        await Json.ProblemAsync(await new SessionClient(factory).LoginAsync("owner@e.example.com", "Taken-Over-Pass-42"), HttpStatusCode.Unauthorized);

        var accepted = await Json.OkAsync(await ownerB.PostAsync("/api/invitations/accept", new { token }));
        Assert.Equal("USER", accepted.GetProperty("role").GetString());
        var me = await Json.OkAsync(await ownerB.GetAsync("/api/auth/me"));
        Assert.Equal(["org-e", "default"], me.GetProperty("orgs").EnumerateArray().Select(o => o.GetProperty("slug").GetString()!).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task Only_the_invited_account_can_accept_and_a_refusal_leaves_the_invitation_pending()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-f", "owner@f.example.com");
        string token = await IdentityApp.InviteAsync(admin, "frank@example.com", "ADMIN");

        await Json.ProblemAsync(await ownerB.PostAsync("/api/invitations/accept", new { token }), HttpStatusCode.Forbidden, "wrong_account");
        Assert.Single((await Json.OkAsync(await ownerB.GetAsync("/api/auth/me"))).GetProperty("orgs").EnumerateArray());
        Assert.Single((await Json.OkAsync(await admin.GetAsync("/api/invitations"))).EnumerateArray());
        await Json.OkAsync(await new SessionClient(factory).PostAsync("/api/invitations/accept", new { token, password = IdentityApp.UserPassword }));
        Assert.Contains(await IdentityApp.AuditAsync(admin, "action=invitation.refused"), e => e.GetProperty("details").GetProperty("reason").GetString() == "wrong_account");
    }

    [Fact]
    public async Task Revoking_or_inviting_again_ends_the_earlier_link()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string first = await IdentityApp.InviteAsync(admin, "gina@example.com", "USER");
        string second = await IdentityApp.InviteAsync(admin, "gina@example.com", "VIEWER");
        string other = await IdentityApp.InviteAsync(admin, "hank@example.com", "USER");
        var pending = (await Json.OkAsync(await admin.GetAsync("/api/invitations"))).EnumerateArray().ToList();
        Assert.Equal(["gina@example.com", "hank@example.com"], pending.Select(p => p.GetProperty("email").GetString()!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(pending, p => p.ToString().Contains(second, StringComparison.Ordinal)); // a list never carries a token

        string hankId = pending.Single(p => p.GetProperty("email").GetString() == "hank@example.com").GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/invitations/{hankId}")).StatusCode);
        await Json.ProblemAsync(await admin.DeleteAsync($"/api/invitations/{hankId}"), HttpStatusCode.NotFound);

        var anyone = new SessionClient(factory);
        await Json.ProblemAsync(await anyone.PostAsync("/api/invitations/accept", new { token = first, password = IdentityApp.UserPassword }), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await anyone.PostAsync("/api/invitations/accept", new { token = other, password = IdentityApp.UserPassword }), HttpStatusCode.NotFound);
        var accepted = await Json.OkAsync(await anyone.PostAsync("/api/invitations/accept", new { token = second, password = IdentityApp.UserPassword }));
        Assert.Equal("VIEWER", accepted.GetProperty("role").GetString());
        Assert.Contains(await IdentityApp.AuditAsync(admin, "action=invitation.revoked"), e => e.GetProperty("target").GetString() == "hank@example.com");
    }

    [Fact]
    public async Task An_org_admin_neither_sees_nor_revokes_another_orgs_invitations_nor_invites_into_it()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (orgAdmin, _) = await IdentityApp.MemberAsync(factory, admin, "org-admin@example.com", "ADMIN");
        var (_, ownerB) = await IdentityApp.OtherOrgAsync(factory, "org-g", "owner@g.example.com");
        string tokenB = await IdentityApp.InviteAsync(ownerB, "ivy@example.com", "USER");
        string idB = (await Json.OkAsync(await ownerB.GetAsync("/api/invitations"))).EnumerateArray().Single().GetProperty("id").GetString()!;

        Assert.DoesNotContain((await Json.OkAsync(await orgAdmin.GetAsync("/api/invitations"))).EnumerateArray(), i => i.GetProperty("id").GetString() == idB);
        await Json.ProblemAsync(await orgAdmin.DeleteAsync($"/api/invitations/{idB}"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await orgAdmin.PostAsync("/api/instance/orgs/org-g/invitations", new { email = "x@example.com", role = "OWNER" }), HttpStatusCode.Forbidden);
        await Json.ProblemAsync(await orgAdmin.GetAsync("/api/instance/orgs/org-g/invitations"), HttpStatusCode.Forbidden);
        var invited = await Json.StatusAsync(await orgAdmin.PostAsync("/api/users", new { email = "ivy@example.com", role = "USER" }), HttpStatusCode.Created);
        Assert.Equal("default", invited.GetProperty("invitation").GetProperty("org").GetString()); // always the caller's own org

        Assert.Single((await Json.OkAsync(await ownerB.GetAsync("/api/invitations"))).EnumerateArray());
        var accepted = await Json.OkAsync(await new SessionClient(factory).PostAsync("/api/invitations/accept", new { token = tokenB, password = IdentityApp.UserPassword }));
        Assert.Equal("org-g", accepted.GetProperty("org").GetString());
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_their_hash()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string token = await IdentityApp.InviteAsync(admin, "jo@example.com", "USER");
        var row = factory.Service<MetadataStore>().FindInvitationByTokenHash(InvitationService.HashToken(token))!;
        Assert.Equal("jo@example.com", row.Email);
        Assert.NotEqual(token, row.TokenHash);
        foreach (string file in Directory.GetFiles(factory.DataDir, "meta.db*"))
        {
            Assert.DoesNotContain(token, await ReadSharedTextAsync(file), StringComparison.Ordinal); // the database and its WAL
        }
    }

    private static List<string> Shape(JsonElement element, string prefix = "")
    {
        var names = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            string name = prefix + property.Name;
            names.Add(name);
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                names.AddRange(Shape(property.Value, name + "."));
            }
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static async Task<string> ReadSharedTextAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        return await reader.ReadToEndAsync();
    }

    public void Dispose() => factory.Dispose();
}
