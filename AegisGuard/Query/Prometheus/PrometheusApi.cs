using System.Globalization;
using System.Text.Json;
using AegisGuard.Identity;
using AegisGuard.Query.PromQl;
using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AegisGuard.Query.Prometheus;

/// <summary>
/// Prometheus' HTTP API (issue #11) over PromQL-lite, so Grafana's Prometheus data source and promtool-style clients work
/// unchanged: /api/v1/query, query_range, labels, label/&lt;name&gt;/values, series, metadata and status/buildinfo, GET and
/// form POST, Prometheus' JSON and error shapes. Callers: a user session, <c>Authorization: Bearer &lt;id&gt;.&lt;secret&gt;</c>
/// or HTTP Basic (key id / secret); every answer is scoped to the caller's org.
/// </summary>
public static class PrometheusApi
{
    /// <summary>The authorisation policy of these endpoints: session, Bearer key or Basic key, with telemetry.read.</summary>
    public const string Policy = "prometheus:read";

    /// <summary>The version reported by buildinfo: the Prometheus release whose query semantics the engine follows.</summary>
    public const string CompatibleVersion = "2.42.0";

    /// <summary>Most points a range query may return per series (Prometheus' limit).</summary>
    public const long MaxPointsPerSeries = 11_000;

    private const string Tag = "Prometheus API";
    private const string AuthScheme = "Prometheus";

    public static IServiceCollection AddPrometheusApi(this IServiceCollection services)
    {
        services.AddOptions<PromQlOptions>().BindConfiguration(PromQlOptions.Section);
        services.AddSingleton(sp => new PromQlEngine(sp.GetRequiredService<IMetricStore>(), sp.GetRequiredService<IOptions<PromQlOptions>>()));
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, PrometheusBasicAuthenticationHandler>(PrometheusBasicAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(AuthScheme, "Session, Bearer or Basic API key", options => options.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                    ? PrometheusBasicAuthenticationHandler.SchemeName
                    : AegisGuard.Identity.IdentityServiceCollectionExtensions.DefaultScheme);
        services.AddAuthorization(options => options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(AuthScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.HasPermission(Permissions.TelemetryRead))));
        return services;
    }

    public static IEndpointRouteBuilder MapPrometheusApi(this IEndpointRouteBuilder routes)
    {
        const string Shapes = " Answers {\"status\":\"success\",\"data\":…} exactly as Prometheus 2.42 does; errors are " +
            "{\"status\":\"error\",\"errorType\":\"bad_data\"|\"execution\"|\"timeout\",\"error\":\"…\"} with 400, 422 or 503. " +
            "Times: unix seconds (fractions allowed) or RFC 3339. GET with a query string or POST with a form body.";
        Map(routes, "/api/v1/query", QueryAsync, "PrometheusQuery", "Evaluate a PromQL query at one instant",
            "query: PromQL; time: evaluation time (default now). data = {resultType: vector|matrix|scalar|string, result}." + Shapes);
        Map(routes, "/api/v1/query_range", QueryRangeAsync, "PrometheusQueryRange", "Evaluate a PromQL query over a range",
            "query, start, end, step (seconds or a duration such as 15s, 1m); points at start, start+step, … ≤ end, at most 11,000 per series. " +
            "data = {resultType: matrix, result: [{metric, values: [[t, \"v\"]]}]}." + Shapes);
        Map(routes, "/api/v1/labels", LabelsAsync, "PrometheusLabels", "Label names",
            "match[]: selectors (optional, repeatable); start, end (optional). data = sorted label names." + Shapes);
        Map(routes, "/api/v1/label/{name}/values", LabelValuesAsync, "PrometheusLabelValues", "Values of one label",
            "name: a label name (__name__ gives metric names); match[], start, end optional. data = sorted values." + Shapes);
        Map(routes, "/api/v1/series", SeriesAsync, "PrometheusSeries", "Series matching selectors",
            "match[]: one or more selectors (required); start, end optional. data = [label sets]." + Shapes);
        Map(routes, "/api/v1/metadata", MetadataAsync, "PrometheusMetadata", "Metric types",
            "metric: one metric name (optional); limit: most metrics (optional). data = {name: [{type, help, unit}]}; help and unit are empty " +
            "(AegisGuard does not store them)." + Shapes);
        Map(routes, "/api/v1/status/buildinfo", BuildInfoAsync, "PrometheusBuildInfo", "Version information",
            $"data.version is {CompatibleVersion}: the Prometheus release whose query semantics PromQL-lite follows (Grafana reads it to pick features).");
        return routes;
    }

    private static void Map(IEndpointRouteBuilder routes, string pattern, RequestDelegate handler, string name, string summary, string description)
    {
        routes.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Post], (Func<HttpContext, Task>)(http => handler(http)))
            .WithTags(Tag)
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description)
            .RequireAuthorization(Policy)
            .Produces(StatusCodes.Status200OK, contentType: PrometheusJson.ContentType)
            .Produces(StatusCodes.Status400BadRequest, contentType: PrometheusJson.ContentType)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status403Forbidden)
            .Produces(StatusCodes.Status422UnprocessableEntity, contentType: PrometheusJson.ContentType)
            .Produces(StatusCodes.Status503ServiceUnavailable, contentType: PrometheusJson.ContentType);
    }

    private sealed class BadDataException(string message) : Exception(message);

    private static async Task<(Func<string, string?> One, Func<string, IReadOnlyList<string>> All)> ReadParametersAsync(HttpRequest request)
    {
        IFormCollection? form = request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted) : null;
        string? One(string name) =>
            form is not null && form.TryGetValue(name, out var f) && f.Count > 0 ? f[0]
            : request.Query.TryGetValue(name, out var q) && q.Count > 0 ? q[0] : null;
        IReadOnlyList<string> All(string name) =>
            [.. (form is not null && form.TryGetValue(name, out var f) ? f.ToArray() : []).Concat(request.Query[name].ToArray()).OfType<string>()];
        return (One, All);
    }

    private static long Time(string? text, string name, long fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return PrometheusParameters.TryParseTime(text, out long ms, out string error) ? ms : throw new BadDataException($"invalid parameter \"{name}\": {error}");
    }

    private static async Task RunAsync(HttpContext http, Func<Func<string, string?>, Func<string, IReadOnlyList<string>>, int, Task> body)
    {
        var store = http.RequestServices.GetService<IMetricStore>();
        if (store is null)
        {
            await PrometheusJson.WriteErrorAsync(http.Response, StatusCodes.Status503ServiceUnavailable, "unavailable", "no metric store is configured on this server");
            return;
        }

        try
        {
            var (one, all) = await ReadParametersAsync(http.Request);
            await body(one, all, http.User.GetOrgId());
        }
        catch (BadDataException e)
        {
            await PrometheusJson.WriteErrorAsync(http.Response, StatusCodes.Status400BadRequest, "bad_data", e.Message);
        }
        catch (PromQlSyntaxException e)
        {
            await PrometheusJson.WriteErrorAsync(http.Response, StatusCodes.Status400BadRequest, "bad_data", $"invalid parameter \"query\": {e.Message}");
        }
        catch (PromQlExecutionException e)
        {
            await PrometheusJson.WriteErrorAsync(http.Response, StatusCodes.Status422UnprocessableEntity, "execution", e.Message);
        }
        catch (MetricQueryLimitException e)
        {
            await PrometheusJson.WriteErrorAsync(http.Response, StatusCodes.Status422UnprocessableEntity, "execution", e.Message);
        }
        catch (PromQlTimeoutException e)
        {
            await PrometheusJson.WriteErrorAsync(http.Response, StatusCodes.Status503ServiceUnavailable, "timeout", e.Message);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the query was cancelled with it and nobody reads an answer.
        }
    }

    private static Task QueryAsync(HttpContext http) => RunAsync(http, async (one, _, org) =>
    {
        var engine = http.RequestServices.GetRequiredService<PromQlEngine>();
        string query = one("query") ?? throw new BadDataException("invalid parameter \"query\": query is required");
        long now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        long time = Time(one("time"), "time", now);
        var result = await engine.InstantAsync(org, query, time, http.RequestAborted);
        await PrometheusJson.WriteSuccessAsync(http.Response, w => PrometheusJson.WriteResult(w, result));
    });

    private static Task QueryRangeAsync(HttpContext http) => RunAsync(http, async (one, _, org) =>
    {
        var engine = http.RequestServices.GetRequiredService<PromQlEngine>();
        string start = one("start") ?? throw new BadDataException("invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
        string end = one("end") ?? throw new BadDataException("invalid parameter \"end\": cannot parse \"\" to a valid timestamp");
        long startMs = Time(start, "start", 0);
        long endMs = Time(end, "end", 0);
        if (endMs < startMs)
        {
            throw new BadDataException("invalid parameter \"end\": end timestamp must not be before start time");
        }

        string stepText = one("step") ?? throw new BadDataException("invalid parameter \"step\": cannot parse \"\" to a valid duration");
        if (!PrometheusParameters.TryParseDuration(stepText, out long stepMs, out string error))
        {
            throw new BadDataException($"invalid parameter \"step\": {error}");
        }

        if (stepMs <= 0)
        {
            throw new BadDataException("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
        }

        if ((endMs - startMs) / stepMs > MaxPointsPerSeries)
        {
            throw new BadDataException("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        string query = one("query") ?? throw new BadDataException("invalid parameter \"query\": query is required");
        var result = await engine.RangeAsync(org, query, startMs, endMs, stepMs, http.RequestAborted);
        await PrometheusJson.WriteSuccessAsync(http.Response, w => PrometheusJson.WriteResult(w, result));
    });

    private static MetricCatalogRequest Catalog(Func<string, string?> one, Func<string, IReadOnlyList<string>> all, int org, int limit = 10_000)
    {
        var selectors = new List<IReadOnlyList<LabelMatcher>>();
        foreach (string m in all("match[]"))
        {
            try
            {
                selectors.Add(PromQlParser.ParseSelector(m));
            }
            catch (PromQlSyntaxException e)
            {
                throw new BadDataException($"invalid parameter \"match[]\": {e.Message}");
            }
        }

        long from = Time(one("start"), "start", PrometheusParameters.MinTimeMs);
        long to = Time(one("end"), "end", PrometheusParameters.MaxTimeMs);
        return new MetricCatalogRequest
        {
            OrgId = org,
            Selectors = selectors,
            FromMs = from == PrometheusParameters.MinTimeMs ? null : from,
            ToMs = to == PrometheusParameters.MaxTimeMs ? null : to,
            Limit = limit,
        };
    }

    private static int Limit(Func<string, string?> one)
    {
        string? text = one("limit");
        if (string.IsNullOrEmpty(text))
        {
            return 10_000;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)
            ? (n <= 0 ? 10_000 : n)
            : throw new BadDataException("invalid parameter \"limit\": limit must be a number");
    }

    private static Task LabelsAsync(HttpContext http) => RunAsync(http, async (one, all, org) =>
    {
        var store = http.RequestServices.GetRequiredService<IMetricStore>();
        var names = await store.LabelNamesAsync(Catalog(one, all, org, Limit(one)), http.RequestAborted);
        await PrometheusJson.WriteSuccessAsync(http.Response, w => WriteStrings(w, names));
    });

    private static Task LabelValuesAsync(HttpContext http) => RunAsync(http, async (one, all, org) =>
    {
        string name = (string)http.Request.RouteValues["name"]!;
        if (!(name == "__name__" || PromQlLexer.IsLabelName(name)))
        {
            throw new BadDataException($"invalid label name: \"{name}\"");
        }

        var store = http.RequestServices.GetRequiredService<IMetricStore>();
        var values = await store.LabelValuesAsync(name, Catalog(one, all, org, Limit(one)), http.RequestAborted);
        await PrometheusJson.WriteSuccessAsync(http.Response, w => WriteStrings(w, values));
    });

    private static Task SeriesAsync(HttpContext http) => RunAsync(http, async (one, all, org) =>
    {
        if (all("match[]").Count == 0)
        {
            throw new BadDataException("no match[] parameter provided");
        }

        var store = http.RequestServices.GetRequiredService<IMetricStore>();
        var series = await store.SeriesAsync(Catalog(one, all, org, Limit(one)), http.RequestAborted);
        await PrometheusJson.WriteSuccessAsync(http.Response, w =>
        {
            w.WriteStartArray();
            foreach (var s in series)
            {
                PrometheusJson.WriteLabels(w, s.Labels);
            }

            w.WriteEndArray();
        });
    });

    private static Task MetadataAsync(HttpContext http) => RunAsync(http, async (one, _, org) =>
    {
        string? metric = one("metric");
        int limit = Limit(one);
        var store = http.RequestServices.GetRequiredService<IMetricStore>();
        var request = new MetricCatalogRequest { OrgId = org, Limit = int.MaxValue };
        var series = await store.SeriesAsync(request, http.RequestAborted);
        var families = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in series)
        {
            string name = s.Labels.FirstOrDefault(l => l.Name == "__name__").Value ?? string.Empty;
            if (s.Type == "histogram")
            {
                // Prometheus keys metadata by family: x_bucket, x_sum and x_count are the histogram x.
                foreach (string suffix in (string[])["_bucket", "_sum", "_count"])
                {
                    if (name.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        name = name[..^suffix.Length];
                        break;
                    }
                }
            }

            if (name.Length > 0 && (metric is null || metric == name))
            {
                families.TryAdd(name, s.Type);
            }
        }

        await PrometheusJson.WriteSuccessAsync(http.Response, w =>
        {
            w.WriteStartObject();
            foreach (var (name, type) in families.Take(limit))
            {
                w.WriteStartArray(name);
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteString("help", string.Empty);
                w.WriteString("unit", string.Empty);
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
    });

    private static Task BuildInfoAsync(HttpContext http) => PrometheusJson.WriteSuccessAsync(http.Response, w =>
    {
        w.WriteStartObject();
        w.WriteString("version", CompatibleVersion);
        w.WriteString("revision", "aegisguard-promql-lite");
        w.WriteString("branch", string.Empty);
        w.WriteString("buildUser", string.Empty);
        w.WriteString("buildDate", string.Empty);
        w.WriteString("goVersion", string.Empty);
        w.WriteEndObject();
    });

    private static void WriteStrings(Utf8JsonWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteStartArray();
        foreach (string v in values)
        {
            writer.WriteStringValue(v);
        }

        writer.WriteEndArray();
    }
}
