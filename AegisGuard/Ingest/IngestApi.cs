using AegisGuard.Ingest.Schema;

namespace AegisGuard.Ingest;

/// <summary>The signed ingestion endpoints: POST /v1/logs, /v1/metrics, /v1/traces, /v1/rum.</summary>
public static class IngestApi
{
    public static IServiceCollection AddIngest(this IServiceCollection services)
    {
        services.AddSingleton<LogBatchDecoder>();
        services.AddSingleton<MetricBatchDecoder>();
        services.AddSingleton<SpanBatchDecoder>();
        services.AddSingleton<RumBatchDecoder>();
        services.AddSingleton<BatchDecoders>();
        services.AddSingleton<IngestRateLimiter>();
        services.AddSingleton<IdempotencyGuard>();
        services.AddSingleton<IngestMemoryBudget>();
        services.AddSingleton<IngestDecodeGate>();
        services.AddSingleton<IngestHandler>();
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails += IngestProblems.FillMissingDetail);
        return services;
    }

    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/v1").WithTags("Ingestion").AllowAnonymous();
        Map<LogsBatch, LogBatchDecoder>(v1, "/logs", "Ingest log lines", 1000);
        Map<MetricsBatch, MetricBatchDecoder>(v1, "/metrics", "Ingest metric samples", 5000);
        Map<TracesBatch, SpanBatchDecoder>(v1, "/traces", "Ingest trace spans", 500);
        Map<RumBatch, RumBatchDecoder>(v1, "/rum", "Ingest Real User Monitoring events", 1000);
        return routes;
    }

    private static void Map<TDoc, TDecoder>(RouteGroupBuilder group, string path, string summary, int maxItems)
        where TDoc : notnull
        where TDecoder : IBatchDecoder
    {
        group.MapPost(path, (HttpContext http, TDecoder decoder, IngestHandler handler, CancellationToken cancellationToken) =>
                handler.HandleAsync(http, decoder, cancellationToken))
            .WithSummary(summary)
            .WithDescription(
                $"At most {maxItems} items per request. Headers: x-org-key (API key id), x-signature: sha256=<hex HMAC-SHA256(secret, raw body bytes as sent)>, " +
                "optional x-idempotency-key (same key + same body within 24 h → the same answer, stored once; same key + another body → 422), " +
                "optional Content-Encoding: gzip (the signature then covers the gzip bytes). 202 means the batch is durable on disk. " +
                "An invalid item rejects the whole batch (422 naming the item index and field); nothing is half-written. " +
                WireLimits.Description)
            .Accepts<TDoc>("application/json")
            .Produces<IngestAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
    }
}
