using System.Net;
using System.Text;
using System.Text.Json;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Orgs;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Ingest;

/// <summary>Who may send: keys, signatures, scopes, and answers that give nothing away.</summary>
public sealed class IngestAuthenticationTests(SharedApp app) : IClassFixture<SharedApp>
{
    private const string Body = """{"logs":[{"message":"hello"}]}""";

    [Fact]
    public async Task Missing_unknown_revoked_and_badly_signed_requests_get_the_same_401()
    {
        var http = app.Factory.CreateClient();
        var (_, revoked) = app.Factory.CreateKey();
        Assert.True(app.Factory.Service<ApiKeyService>().Revoke(app.Factory.Service<OrgDirectory>().Find(1)!.Org.Id, revoked.Id));

        var noKey = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        var answers = new List<HttpResponseMessage>
        {
            await http.SendAsync(noKey),
            await new SignedClient(http, "obs_doesnotexist", "whatever").PostAsync("/v1/logs", Body),
            await new SignedClient(http, revoked).PostAsync("/v1/logs", Body),
            await new SignedClient(http, app.Key.Id, "wrong-secret").PostAsync("/v1/logs", Body),
            await app.NewClient().PostAsync("/v1/logs", Body, signature: "sha256=zz"),
            await app.NewClient().PostAsync("/v1/logs", Body, signature: SignedClient.Sign(app.Key.Secret, Encoding.UTF8.GetBytes(Body + " "))),
        };

        var bodies = new List<string>();
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            bodies.Add(problem.RootElement.GetProperty("title").GetString() + "|" + problem.RootElement.GetProperty("detail").GetString());
        }

        Assert.Single(bodies.Distinct());
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        var (org, key) = app.Factory.CreateKey();
        var client = new SignedClient(app.Factory.CreateClient(), key);
        using var before = await client.PostAsync("/v1/logs", Body);
        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);

        app.Factory.Service<ApiKeyService>().Revoke(org.Id, key.Id);
        using var after = await client.PostAsync("/v1/logs", Body);

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_key_without_the_ingest_scope_gets_403()
    {
        var (_, readOnly) = app.Factory.CreateKey(scopes: "read");
        using var response = await new SignedClient(app.Factory.CreateClient(), readOnly).PostAsync("/v1/logs", Body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_signature_header_is_hex_of_hmac_sha256_of_the_raw_body_like_openssl_makes()
    {
        // openssl dgst -sha256 -hmac "secret" <<< -n 'body' prints lowercase hex; upper case must work too.
        string signature = SignedClient.Sign(app.Key.Secret, Encoding.UTF8.GetBytes(Body)).ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal);
        using var response = await app.NewClient().PostAsync("/v1/logs", Body, signature: signature);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Keys_created_for_another_org_ingest_into_that_org_only()
    {
        var (_, other) = app.Factory.CreateKey("acme");
        var acme = new SignedClient(app.Factory.CreateClient(), other);
        var mine = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");

        using var sent = await acme.PostAsync("/v1/logs", Some.Logs(2, marker));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        await LogsReader.WaitForAsync(acme, $"q={marker}", 2);
        Assert.Empty(await LogsReader.ReadAsync(mine, $"q={marker}"));
    }
}
