using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Audit;

/// <summary>
/// Refused requests reach the audit log through HTTP: each kind appears as an entry with its action, reason, address
/// and count (one entry per org or instance, actor, address and reason per window), and a flood stays a handful of entries.
/// </summary>
public sealed class RefusalAuditTests
{
    private static readonly Dictionary<string, string?> FastWindow = new() { ["Aegis:Audit:RefusalWindow"] = "00:00:00.200" };
    private const string Batch = """{"logs":[{"message":"hello"}]}""";

    [Fact]
    public async Task A_request_without_the_csrf_token_is_audited_with_its_address_and_count()
    {
        using var factory = IdentityApp.NewFactory(FastWindow);
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: "198.51.100.7");
        for (int i = 0; i < 3; i++)
        {
            using var refused = await admin.SendAsync(HttpMethod.Post, "/api/keys", Bodies.Key("k", "read"), withCsrf: false);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var entry = await RefusalAsync(admin, "refused.csrf", 3);
        Assert.Equal("admin@aegis.local", entry.GetProperty("actor").GetString());
        Assert.Equal("198.51.100.7", entry.GetProperty("ip").GetString());
        Assert.Equal("denied", entry.GetProperty("outcome").GetString());
        Assert.Equal("csrf_invalid", entry.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal("/api/keys", entry.GetProperty("details").GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("VIEWER")]
    [InlineData("USER")]
    public async Task A_member_calling_an_admin_api_or_page_is_audited_as_a_denial(string role)
    {
        using var factory = IdentityApp.NewFactory(FastWindow);
        var admin = await IdentityApp.AdminAsync(factory);
        var (member, _) = await IdentityApp.MemberAsync(factory, admin, $"{role.ToLowerInvariant()}@example.com", role);

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/audit")).StatusCode);

        var entries = await Poll.UntilAsync(() => IdentityApp.AuditAsync(admin, "action=refused.forbidden"),
            e => e.Sum(Count) >= 2, what: "the denials");
        Assert.All(entries, e => Assert.Equal($"{role.ToLowerInvariant()}@example.com", e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.Equal("role_lacks_permission", e.GetProperty("details").GetProperty("reason").GetString()));
        Assert.Equal(2, entries.Sum(Count)); // the same member, address and reason: one bucket, whatever the path
        Assert.Equal("/api/keys", entries[^1].GetProperty("details").GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("not-a-jwt", "token_malformed")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLW9mLW1hbGxvcnk", "token_invalid")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZXhwIjoxNjAwMDAwMDAwfQ.c2lnbmF0dXJlLW9mLW1hbGxvcnk", "token_expired")]
    public async Task A_forged_or_expired_session_token_in_the_cookie_or_as_bearer_is_audited_in_the_instance_stream(string token, string reason)
    {
        using var factory = IdentityApp.NewFactory(FastWindow);
        var forger = new SessionClient(factory, forwardedFor: "203.0.113.9");
        forger.SetCookie("aegis_access", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forger.GetAsync("/api/auth/me")).StatusCode);
        if (token.StartsWith("eyJ", StringComparison.Ordinal))
        {
            using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            bearer.Headers.Add("X-Forwarded-For", "203.0.113.9");
            Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().SendAsync(bearer)).StatusCode);
        }

        var entries = await InstanceAsync(factory, "refused.token", token.StartsWith("eyJ", StringComparison.Ordinal) ? 2 : 1);
        Assert.All(entries, e => Assert.Equal("203.0.113.9", e.Ip));
        Assert.All(entries, e => Assert.Null(e.OrgId));
        Assert.All(entries, e => Assert.Equal(reason, Reason(e)));
    }

    [Fact]
    public async Task Revoking_a_key_of_another_org_by_its_id_is_audited_as_a_cross_org_probe_with_the_same_404()
    {
        using var factory = IdentityApp.NewFactory(FastWindow);
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, otherKey) = factory.CreateKey("other-org");

        var probe = await admin.PostAsync($"/api/keys/{otherKey.Id}/revoke");
        var unknown = await admin.PostAsync("/api/keys/obs_doesnotexist/revoke");
        Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var entry = await RefusalAsync(admin, "refused.cross_org_probe", 1);
        Assert.Equal(otherKey.Id, entry.GetProperty("target").GetString());
        Assert.Equal("api_key_of_another_org", entry.GetProperty("details").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Bad_api_keys_and_bad_signatures_are_audited_per_key_and_reason_unknown_keys_in_the_instance_stream()
    {
        using var factory = IdentityApp.NewFactory(FastWindow);
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, key) = factory.CreateKey();
        var http = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await new SignedClient(http, key).PostAsync("/v1/logs", Batch, signature: "sha256=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new SignedClient(http, "obs_unknown", "secret").PostAsync("/v1/logs", Batch)).StatusCode);
        using var wrongSecret = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        wrongSecret.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Id + ".wrong-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrongSecret)).StatusCode);

        var signature = await RefusalAsync(admin, "refused.signature", 1);
        Assert.Equal(key.Id, signature.GetProperty("actor").GetString());
        Assert.Equal("bad_signature", signature.GetProperty("details").GetProperty("reason").GetString());
        var secret = await RefusalAsync(admin, "refused.api_key", 1);
        Assert.Equal("wrong_secret", secret.GetProperty("details").GetProperty("reason").GetString());

        var unknown = Assert.Single(await InstanceAsync(factory, "refused.api_key", 1));
        Assert.Equal("obs_unknown", unknown.Actor);
        Assert.Equal("unknown_key", Reason(unknown));
    }

    [Fact]
    public async Task Instance_administrators_read_the_refusals_no_org_owns_and_org_owners_cannot()
    {
        using var factory = IdentityApp.NewFactory(FastWindow);
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, owner) = await IdentityApp.OtherOrgAsync(factory, "org-i", "owner@i.example.com");
        var http = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await new SignedClient(http, "obs_nobodys", "secret").PostAsync("/v1/logs", Batch)).StatusCode);
        await InstanceAsync(factory, "refused.api_key", 1);

        var page = await Json.OkAsync(await admin.GetAsync("/api/instance/audit?action=refused.&page_size=50"));
        var entry = Assert.Single(page.GetProperty("entries").EnumerateArray(), e => e.GetProperty("actor").GetString() == "obs_nobodys");
        Assert.Equal("unknown_key", entry.GetProperty("details").GetProperty("reason").GetString());
        await Json.ProblemAsync(await admin.GetAsync("/api/instance/audit?page_size=0"), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync("/api/instance/audit")).StatusCode);
        Assert.DoesNotContain(await IdentityApp.AuditAsync(owner), e => e.GetProperty("actor").GetString() == "obs_nobodys");
    }

    [Fact]
    public async Task A_flood_of_1000_bad_signatures_becomes_a_handful_of_entries_whose_counts_sum_to_1000()
    {
        using var factory = IdentityApp.NewFactory(FastWindow);
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var response = await client.PostAsync("/v1/logs", Batch, signature: "sha256=" + new string('1', 64));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        });

        var entries = await Poll.UntilAsync(() => IdentityApp.AuditAsync(admin, "action=refused.signature"),
            e => e.Sum(Count) >= 1000, what: "1000 counted refusals");
        Assert.Equal(1000, entries.Sum(Count));
        Assert.InRange(entries.Count, 1, 60); // one per window of 200 ms at most, however fast the flood
    }

    private static long Count(JsonElement entry) => entry.GetProperty("details").GetProperty("count").GetInt64();

    private static string? Reason(AuditEntry entry) => JsonDocument.Parse(entry.Details).RootElement.GetProperty("reason").GetString();

    private static async Task<JsonElement> RefusalAsync(SessionClient admin, string action, long count)
    {
        var entries = await Poll.UntilAsync(() => IdentityApp.AuditAsync(admin, "action=" + action), e => e.Sum(Count) >= count, what: action);
        Assert.Equal(count, entries.Sum(Count));
        return entries[0];
    }

    private static Task<List<AuditEntry>> InstanceAsync(AegisAppFactory factory, string action, long count) =>
        Poll.UntilAsync(
            () => Task.FromResult(factory.Service<MetadataStore>().QueryAudit(new AuditQuery { OrgId = 0, Instance = true, Action = action, PageSize = 500 }).Entries.ToList()),
            e => e.Sum(x => JsonDocument.Parse(x.Details).RootElement.GetProperty("count").GetInt64()) >= count,
            what: action + " in the instance stream");
}
