using System.Security.Claims;
using AegisGuard.Identity;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.Metrics;

/// <summary>
/// GET /api/metrics/catalog: what the Metrics page's catalog browser and autocompletion need in one answer — every
/// metric name of the caller's org with its type, series count, last-seen time, label names and values. The Prometheus
/// API (<c>/api/v1/series</c>, <c>/api/v1/metadata</c>) has the parts but not the counts and last-seen times, and would
/// take one request per metric. Built from the series catalog (<see cref="IMetricStore.SeriesAsync"/>), never from samples.
/// </summary>
public static class MetricCatalogApi
{
    /// <summary>The most series one answer reads; beyond it the answer says <c>truncated</c>.</summary>
    public const int MaxSeries = 20_000;

    /// <summary>The most values listed per label of a metric (the count is still exact within the series read).</summary>
    public const int MaxValuesPerLabel = 200;

    public static IEndpointRouteBuilder MapMetricCatalogApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/metrics/catalog", CatalogAsync)
            .WithTags("Metrics")
            .WithName("MetricCatalog")
            .WithSummary("Every metric of the caller's org: type, series count, last seen, labels and their values")
            .WithDescription(
                "Read from the series catalog, not from samples. Metrics are sorted by name; a histogram x shows as x_bucket, x_sum and x_count, " +
                $"as Prometheus exposes it. At most {MaxSeries} series are read ('truncated' says when there were more) and at most " +
                $"{MaxValuesPerLabel} values are listed per label ('value_count' is the number of distinct values). " +
                "Authenticate with the session or Authorization: Bearer <key id>.<secret> of a key with the read scope.")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<MetricCatalogResult>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesReadProblems();
        return routes;
    }

    private static async Task<IResult> CatalogAsync(ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        // Resolved per request rather than injected so the endpoint can say plainly when no metric store is configured.
        if (services.GetService<IMetricStore>() is not { } store)
        {
            return TypedResults.Problem(
                title: "The metric store is not available",
                detail: "This build has no metric store registered, so there is no series catalog to read.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var series = await store.SeriesAsync(new MetricCatalogRequest { OrgId = user.GetOrgId(), Limit = MaxSeries + 1 }, cancellationToken);
        bool truncated = series.Count > MaxSeries;
        return TypedResults.Ok(Build(truncated ? series.Take(MaxSeries) : series, truncated));
    }

    /// <summary>Groups catalog series by metric name.</summary>
    public static MetricCatalogResult Build(IEnumerable<MetricSeriesInfo> series, bool truncated)
    {
        ArgumentNullException.ThrowIfNull(series);
        var byName = new SortedDictionary<string, Accumulator>(StringComparer.Ordinal);
        int read = 0;
        foreach (var info in series)
        {
            read++;
            string name = info.Labels.FirstOrDefault(l => l.Name == "__name__").Value ?? "";
            if (!byName.TryGetValue(name, out var metric))
            {
                metric = new Accumulator();
                byName[name] = metric;
            }

            metric.Add(info);
        }

        var metrics = byName.Select(pair => pair.Value.ToEntry(pair.Key)).ToList();
        return new MetricCatalogResult(metrics, read, truncated);
    }

    private sealed class Accumulator
    {
        private readonly SortedDictionary<string, SortedSet<string>> labels = new(StringComparer.Ordinal);
        private int count;
        private long lastSeenMs = long.MinValue;
        private string type = "";

        public void Add(MetricSeriesInfo info)
        {
            count++;
            if (info.LastSeenMs >= lastSeenMs)
            {
                lastSeenMs = info.LastSeenMs;
                type = info.Type;
            }

            foreach (var label in info.Labels)
            {
                if (label.Name == "__name__")
                {
                    continue;
                }

                if (!labels.TryGetValue(label.Name, out var values))
                {
                    values = new SortedSet<string>(StringComparer.Ordinal);
                    labels[label.Name] = values;
                }

                values.Add(label.Value);
            }
        }

        public MetricCatalogEntry ToEntry(string name) => new(
            name,
            type,
            count,
            DateTimeOffset.FromUnixTimeMilliseconds(lastSeenMs),
            labels.Select(l => new MetricCatalogLabel(l.Key, l.Value.Take(MaxValuesPerLabel).ToList(), l.Value.Count)).ToList());
    }
}
