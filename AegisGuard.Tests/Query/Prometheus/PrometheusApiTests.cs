using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AegisGuard.Storage.Metrics;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AegisGuard.Tests.Query.Prometheus;

/// <summary>The Prometheus HTTP API: exact JSON shapes, errors, the three ways to sign in, and tenant isolation.</summary>
public sealed class PrometheusApiTests : IDisposable
{
    private readonly AegisAppFactory _root = new(new Dictionary<string, string?> { ["Aegis:PromQl:MaxSamples"] = "1000" });
    private readonly InMemoryMetricStore _store = new();
    private readonly WebApplicationFactory<Program> _app;
    private readonly AegisGuard.Identity.ApiKeys.CreatedApiKey _keyA;
    private readonly AegisGuard.Identity.ApiKeys.CreatedApiKey _keyB;

    public PrometheusApiTests()
    {
        _app = _root.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.RemoveAll<IMetricStore>();
            s.AddSingleton<IMetricStore>(_store);
        }));
        _ = _app.Services;
        var (orgA, keyA) = _root.CreateKey("default", "read");
        var (orgB, keyB) = _root.CreateKey("other", "read");
        _keyA = keyA;
        _keyB = keyB;
        _store.Add(orgA.Id, [new("__name__", "up"), new("job", "api"), new("instance", "a:1")], [(60_000, 1), (120_000, 0)], "gauge");
        _store.Add(orgA.Id, [new("__name__", "up"), new("job", "web"), new("instance", "b:2")], [(60_000, 1), (120_000, double.PositiveInfinity)], "gauge");
        _store.Add(orgA.Id, [new("__name__", "req_total"), new("job", "api")], [(0, 0), (60_000, 60), (120_000, 120)], "counter");
        _store.Add(orgB.Id, [new("__name__", "up"), new("job", "secret_b"), new("tenant_b_only", "yes")], [(60_000, 7)], "gauge");
        _store.Add(orgB.Id, [new("__name__", "b_metric"), new("job", "secret_b")], [(60_000, 7)], "counter");
    }

    public void Dispose()
    {
        _app.Dispose();
        _root.Dispose();
    }

    private HttpClient Bearer(AegisGuard.Identity.ApiKeys.CreatedApiKey key)
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{key.Id}.{key.Secret}");
        return client;
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string url, HttpClient? client = null)
    {
        var response = await (client ?? Bearer(_keyA)).GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Instant_query_answers_the_exact_Prometheus_vector_json()
    {
        var (status, body) = await GetAsync("/api/v1/query?query=up&time=120");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" +
            "{\"metric\":{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"},\"value\":[120,\"0\"]}," +
            "{\"metric\":{\"__name__\":\"up\",\"instance\":\"b:2\",\"job\":\"web\"},\"value\":[120,\"+Inf\"]}]}}",
            body);
    }

    [Fact]
    public async Task Range_query_answers_a_matrix_at_start_plus_steps_with_fractional_times()
    {
        var (status, body) = await GetAsync("/api/v1/query_range?query=sum(up)%20/%200&start=59.5&end=130&step=30s");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" +
            "{\"metric\":{},\"values\":[[89.500,\"+Inf\"],[119.500,\"+Inf\"]]}]}}",
            body);
        var (_, rate) = await GetAsync("/api/v1/query_range?query=rate(req_total%5B2m%5D)&start=1970-01-01T00:02:00Z&end=120&step=60");
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"job\":\"api\"},\"values\":[[120,\"1\"]]}]}}", rate);
    }

    [Fact]
    public async Task Scalar_and_string_results_have_their_own_shapes()
    {
        var (_, scalar) = await GetAsync("/api/v1/query?query=1%2B0.5&time=1.25");
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1.250,\"1.5\"]}}", scalar);
        var (_, text) = await GetAsync("/api/v1/query?query=%22hi%22&time=3");
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[3,\"hi\"]}}", text);
    }

    [Fact]
    public async Task Errors_use_Prometheus_error_types_and_status_codes()
    {
        var (status, body) = await GetAsync("/api/v1/query?query=sum(up)%20by&time=120");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": parse error: unexpected end of input in grouping opts at 1:11, expected \\\"(\\\"\"}",
            body);

        (status, body) = await GetAsync("/api/v1/query?query=up%20%2B%20on()%20up&time=120");
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Contains("\"errorType\":\"execution\"", body);
        Assert.Contains("many-to-many matching not allowed", body);

        (status, body) = await GetAsync("/api/v1/query_range?query=up&start=100&end=10&step=1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"end\\\": end timestamp must not be before start time\"}", body);

        (status, body) = await GetAsync("/api/v1/query_range?query=up&start=0&end=100000&step=1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("exceeded maximum resolution of 11,000 points per timeseries", body);

        (status, body) = await GetAsync("/api/v1/query?query=up&time=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("invalid parameter \\\"time\\\": cannot parse \\\"yesterday\\\" to a valid timestamp", body);
    }

    [Fact]
    public async Task A_query_reading_more_samples_than_the_limit_is_a_422_execution_error()
    {
        var org = _root.CreateKey("default", "read").Org;
        _store.Add(org.Id, [new("__name__", "big")], Enumerable.Range(0, 2000).Select(i => ((long)i * 1000, (double)i)));
        var (status, body) = await GetAsync("/api/v1/query?query=count_over_time(big%5B1h%5D)&time=2000");
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Contains("\"errorType\":\"execution\"", body);
        Assert.Contains("samples", body);
    }

    [Fact]
    public async Task Form_post_works_like_get()
    {
        var response = await Bearer(_keyA).PostAsync("/api/v1/query", new FormUrlEncodedContent(new Dictionary<string, string> { ["query"] = "up{job=\"api\"}", ["time"] = "120" }));
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"value\":[120,\"0\"]", body);
    }

    [Fact]
    public async Task Basic_auth_with_key_id_and_secret_is_accepted_and_a_wrong_secret_is_not()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_keyA.Id}:{_keyA.Secret}")));
        var (status, body) = await GetAsync("/api/v1/query?query=up{job=\"web\"}&time=120", client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"job\":\"web\"", body);

        var wrong = _app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_keyA.Id}:nope")));
        var refused = await wrong.GetAsync("/api/v1/query?query=up&time=120");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var anonymous = await _app.CreateClient().GetAsync("/api/v1/query?query=up&time=120");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_ingest_only_key_may_not_read()
    {
        var (_, ingestOnly) = _root.CreateKey("default", "ingest");
        var response = await Bearer(ingestOnly).GetAsync("/api/v1/query?query=up&time=120");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_user_queries_with_the_session_cookie()
    {
        var admin = await IdentityApp.AdminAsync(_app);
        var response = await admin.Http.GetAsync("/api/v1/query?query=up&time=120");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"instance\":\"a:1\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_orgs_series_never_appear_in_any_endpoint()
    {
        string[] urls =
        [
            "/api/v1/query?query=up&time=120",
            "/api/v1/query?query=%7B__name__%3D~%22.%2B%22%7D&time=120",
            "/api/v1/query_range?query=count(%7B__name__%3D~%22.%2B%22%7D)%20by%20(job)&start=0&end=120&step=60",
            "/api/v1/labels",
            "/api/v1/label/job/values",
            "/api/v1/label/__name__/values",
            "/api/v1/series?match[]=up&match[]=b_metric",
            "/api/v1/metadata",
        ];
        foreach (string url in urls)
        {
            var (status, body) = await GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("secret_b", body);
            Assert.DoesNotContain("tenant_b_only", body);
            Assert.DoesNotContain("b_metric", body);
        }

        var (_, fromB) = await GetAsync("/api/v1/label/job/values", Bearer(_keyB));
        Assert.Equal("{\"status\":\"success\",\"data\":[\"secret_b\"]}", fromB);
    }

    [Fact]
    public async Task Catalog_endpoints_answer_Prometheus_shapes()
    {
        Assert.Equal("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}", (await GetAsync("/api/v1/labels")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"__name__\",\"job\"]}", (await GetAsync("/api/v1/labels?match[]=req_total")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"req_total\",\"up\"]}", (await GetAsync("/api/v1/label/__name__/values")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"a:1\"]}", (await GetAsync("/api/v1/label/instance/values?match[]=up{job=\"api\"}")).Body);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"},{\"__name__\":\"up\",\"instance\":\"b:2\",\"job\":\"web\"}]}",
            (await GetAsync("/api/v1/series?match[]=up")).Body);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":{\"req_total\":[{\"type\":\"counter\",\"help\":\"\",\"unit\":\"\"}],\"up\":[{\"type\":\"gauge\",\"help\":\"\",\"unit\":\"\"}]}}",
            (await GetAsync("/api/v1/metadata")).Body);
        var (status, noMatch) = await GetAsync("/api/v1/series");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"no match[] parameter provided\"}", noMatch);
        Assert.Contains("\"version\":\"2.42.0\"", (await GetAsync("/api/v1/status/buildinfo")).Body);
    }
}
