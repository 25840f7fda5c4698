using System.Net;
using System.Net.Http.Headers;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// The org's IP allowlist applies to signed ingestion, key reads and user sessions. Client addresses come from
/// X-Forwarded-For, believed only because the test app trusts loopback as its reverse proxy.
/// </summary>
public sealed class IpAllowlistTests : IDisposable
{
    private const string Inside = "10.1.2.3";
    private const string Outside = "192.0.2.50";
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task Ingestion_reads_and_sessions_from_outside_the_allowlist_get_403()
    {
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: Inside);
        var created = await Json.StatusAsync(await admin.PostAsync("/api/keys", Bodies.Key("agent", "ingest", "read")), HttpStatusCode.Created);
        string id = created.GetProperty("id").GetString()!, secret = created.GetProperty("secret").GetString()!;

        var saved = await Json.OkAsync(await admin.PutAsync("/api/org/settings", Bodies.Allowlist("10.1.0.0/16", "2001:db8::/32")));
        Assert.Equal(["10.1.0.0/16", "2001:db8::/32"], saved.GetProperty("ip_allowlist").EnumerateArray().Select(e => e.GetString()!).ToArray());

        Assert.Equal(HttpStatusCode.Accepted, (await Signed(id, secret, Inside).PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Signed(id, secret, "2001:db8:1::7").PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        using var outsideIngest = await Signed(id, secret, Outside).PostAsync("/v1/logs", Some.Logs(1));
        await Json.ProblemAsync(outsideIngest, HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await Signed(id, secret, Inside).GetAsync("/api/logs")).StatusCode);
        await Json.ProblemAsync(await Signed(id, secret, Outside).GetAsync("/api/logs"), HttpStatusCode.Forbidden, "ip_not_allowed");

        await Json.OkAsync(await admin.GetAsync("/api/users"));
        admin.ForwardedFor = Outside;
        await Json.ProblemAsync(await admin.GetAsync("/api/users"), HttpStatusCode.Forbidden, "ip_not_allowed");

        // Signing in from outside is refused too (after the password check, so the allowlist is not revealed to guessers).
        var outsider = new SessionClient(factory, forwardedFor: Outside);
        await Json.ProblemAsync(await outsider.LoginAsync("admin@aegis.local", IdentityApp.AdminPassword), HttpStatusCode.Forbidden, "ip_not_allowed");
        await Json.ProblemAsync(await outsider.LoginAsync("admin@aegis.local", "Wrong-Password-99"), HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Null(outsider.Cookie("aegis_access"));
    }

    [Fact]
    public async Task A_page_opened_from_outside_the_allowlist_leads_to_a_page_that_names_the_address_not_to_json()
    {
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: Inside);
        await Json.OkAsync(await admin.PutAsync("/api/org/settings", Bodies.Allowlist("10.1.0.0/16")));
        admin.ForwardedFor = Outside;

        using var logsPage = await admin.Http.SendAsync(Page("/logs", Outside));
        Assert.Equal(HttpStatusCode.Redirect, logsPage.StatusCode);
        Assert.Equal("/forbidden?reason=ip-allowlist", logsPage.Headers.Location?.OriginalString);

        using var explained = await admin.Http.SendAsync(Page("/forbidden?reason=ip-allowlist", Outside));
        string text = System.Text.RegularExpressions.Regex.Replace(WebUtility.HtmlDecode(await explained.Content.ReadAsStringAsync()), "<[^>]+>", string.Empty);
        Assert.Equal(HttpStatusCode.Forbidden, explained.StatusCode);
        Assert.Equal("text/html", explained.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"Your address {Outside} is not in this organisation’s IP allowlist", text, StringComparison.Ordinal);

        using var inside = await admin.Http.SendAsync(Page("/logs", Inside));
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
    }

    private static HttpRequestMessage Page(string path, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    [Fact]
    public async Task A_client_cannot_claim_an_allowed_address_without_a_trusted_proxy()
    {
        using var direct = new AegisAppFactory(); // no trusted proxies: X-Forwarded-For is ignored
        var (_, key) = direct.CreateKey();
        var admin = await IdentityApp.AdminAsync(direct);
        await Json.OkAsync(await admin.PutAsync("/api/org/settings", Bodies.Allowlist("127.0.0.1/32")));

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/logs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{key.Id}.{key.Secret}");
        request.Headers.Add("X-Forwarded-For", "10.9.9.9");
        Assert.Equal(HttpStatusCode.OK, (await direct.CreateClient().SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Saving_an_allowlist_validates_each_range_and_refuses_to_lock_out_the_caller()
    {
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: Inside);
        var invalid = await Json.ProblemAsync(await admin.PutAsync("/api/org/settings", Bodies.Allowlist("10.0.0.0/8", "10.0.0.0/33", "banana")),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        var errors = invalid.GetProperty("errors");
        Assert.True(errors.TryGetProperty("ip_allowlist[1]", out _));
        Assert.True(errors.TryGetProperty("ip_allowlist[2]", out _));
        Assert.False(errors.TryGetProperty("ip_allowlist[0]", out _));

        var lockout = await Json.ProblemAsync(await admin.PutAsync("/api/org/settings", Bodies.Allowlist("172.16.0.0/12")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(Inside, lockout.GetProperty("errors").GetProperty("ip_allowlist")[0].GetString(), StringComparison.Ordinal);

        var cleared = await Json.OkAsync(await admin.PutAsync("/api/org/settings", Bodies.Allowlist()));
        Assert.Equal(0, cleared.GetProperty("ip_allowlist").GetArrayLength());
    }

    [Fact]
    public async Task Settings_changes_are_validated_applied_and_audited()
    {
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: Inside);
        var bad = await Json.ProblemAsync(await admin.PutAsync("/api/org/settings", new { pii_mode = "shred", retention_days = 0, ingest_rate_limit = -1 }),
            HttpStatusCode.UnprocessableEntity);
        foreach (string field in (string[])["pii_mode", "retention_days", "ingest_rate_limit"])
        {
            Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        }

        var saved = await Json.OkAsync(await admin.PutAsync("/api/org/settings", new { pii_mode = "hash", retention_days = 90, ingest_rate_limit = 1000 }));
        Assert.Equal("hash", saved.GetProperty("pii_mode").GetString());
        var read = await Json.OkAsync(await admin.GetAsync("/api/org/settings"));
        Assert.Equal(90, read.GetProperty("retention_days").GetInt32());
        Assert.Equal(1000, read.GetProperty("ingest_rate_limit").GetInt32());
        Assert.Equal("default", read.GetProperty("org").GetString());

        var entry = Assert.Single(await IdentityApp.AuditAsync(admin, "action=settings.changed"));
        Assert.Equal("redact", entry.GetProperty("details").GetProperty("pii_mode").GetProperty("from").GetString());
        Assert.Equal("hash", entry.GetProperty("details").GetProperty("pii_mode").GetProperty("to").GetString());
        Assert.Equal(Inside, entry.GetProperty("ip").GetString());
    }

    private SignedClient Signed(string id, string secret, string from)
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Forwarded-For", from);
        return new SignedClient(http, id, secret);
    }

    public void Dispose() => factory.Dispose();
}
