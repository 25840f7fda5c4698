using System.Security.Cryptography;
using AegisGuard.Audit;
using AegisGuard.Hosting;
using AegisGuard.Identity;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Identity.Network;
using AegisGuard.Ingest.Schema;
using AegisGuard.Orgs;
using AegisGuard.Pipeline;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AegisGuard.Ingest;

/// <summary>
/// One signed batch, checked in order — content type → key (unknown or revoked: 401 before the body is read) → IP
/// allowlist → size → memory budget → signature (constant time) → scope → decompression → idempotency → backpressure →
/// decode, validate and scrub → rate limit — then appended to the ingest log as ONE record holding the scrubbed rows.
/// The 202 is sent only after the log says the record is durable; every refusal leaves nothing behind.
/// </summary>
public sealed partial class IngestHandler(
    ApiKeyService keys,
    IngestRateLimiter rateLimiter,
    IdempotencyGuard idempotency,
    IngestMemoryBudget memory,
    IngestDecodeGate decodeGate,
    BacklogMonitor backlog,
    PiiScrubbers scrubbers,
    KeyRingCheck keyRing,
    IngestLog log,
    IOptions<AegisOptions> options,
    TimeProvider time,
    OrgDirectory orgs,
    ClientIpResolver ips,
    RefusalAudit refusals,
    ILogger<IngestHandler> logger)
{
    public const string KeyHeader = "x-org-key";
    public const string SignatureHeader = "x-signature";
    public const string IdempotencyHeader = "x-idempotency-key";
    private const string SignaturePrefix = "sha256=";

    public async Task<IResult> HandleAsync(HttpContext http, IBatchDecoder decoder, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var limits = options.Value.Ingest;

        if (!IsJson(request.ContentType))
        {
            return IngestProblems.UnsupportedMediaType(IngestProblems.NotJson(request.ContentType));
        }

        string encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip"))
        {
            return IngestProblems.UnsupportedMediaType($"Content-Encoding '{encoding}' is not supported; send the body as is or gzip.");
        }

        string? keyId = request.Headers[KeyHeader];
        var lookup = string.IsNullOrEmpty(keyId) ? ApiKeyLookup.Unknown : keys.Lookup(keyId);
        if (lookup.Status == ApiKeyLookupStatus.KeyRingUnavailable)
        {
            LogKeyRingFailed(logger, lookup.KeyRingProblem!);
            keyRing.ReportUnavailable(lookup.KeyRingProblem!);
            return IngestProblems.KeyRingUnavailable(http);
        }

        var key = lookup.Key;

        // Key ids are not secrets (they travel in every request): refusing an unknown or revoked one before reading the
        // body keeps unauthenticated senders from making the server buffer megabytes each.
        if (key is not { Revoked: false })
        {
            if (key is null)
            {
                // No org to charge it to: the instance stream (org NULL), with the id as sent (clipped) as the actor.
                refusals.Note(http, AuditActions.ApiKeyRejected, string.IsNullOrEmpty(keyId) ? "missing_key" : "unknown_key", orgId: null, actor: string.IsNullOrEmpty(keyId) ? "anonymous" : keyId);
            }
            else
            {
                refusals.Note(http, AuditActions.ApiKeyRejected, "revoked_key", key.OrgId, key.Id);
            }

            LogRejectedSignature(logger, keyId ?? "(none)");
            return IngestProblems.Unauthorized();
        }

        if (orgs.Find(key.OrgId) is { Allowlist.IsEmpty: false } org && !org.Allowlist.Allows(ips.Resolve(http)))
        {
            return IngestProblems.Forbidden("This address is not in the organisation's IP allowlist.");
        }

        if (request.ContentLength > limits.MaxBodyBytes)
        {
            return IngestProblems.TooLarge($"The body is {request.ContentLength} bytes; the limit is {limits.MaxBodyBytes}.");
        }

        using var raw = await RequestBodyReader.ReadAsync(request, limits.MaxBodyBytes, memory, cancellationToken);
        switch (raw.Problem)
        {
            case BodyReadProblem.TooLarge:
                return IngestProblems.TooLarge($"The body exceeds the limit of {limits.MaxBodyBytes} bytes.");
            case BodyReadProblem.Busy:
                return IngestProblems.Busy(http, "too many request bytes are being received at once");
        }

        var body = raw.Buffer!.Memory;
        var now = time.GetUtcNow().UtcDateTime;
        if (!SignatureMatches(key, request.Headers[SignatureHeader], body.Span, now))
        {
            refusals.Note(http, AuditActions.SignatureRejected, string.IsNullOrEmpty(request.Headers[SignatureHeader]) ? "missing_signature" : "bad_signature", key.OrgId, key.Id);
            LogRejectedSignature(logger, keyId ?? "(none)");
            return IngestProblems.Unauthorized();
        }

        if (!key.HasScope(ApiKeyScopes.Ingest))
        {
            refusals.Note(http, AuditActions.AccessDenied, "key_lacks_scope", key.OrgId, key.Id);
            return IngestProblems.Forbidden("This API key lacks the ingest scope.");
        }

        keys.NoteUse(key);

        using var inflated = encoding == "gzip" ? RequestBodyReader.Gunzip(body, limits.MaxDecompressedBytes, memory) : null;
        if (inflated is { Buffer: null })
        {
            return inflated.IsBusy
                ? IngestProblems.Busy(http, "too many request bytes are being decompressed at once")
                : inflated.Error is null
                    ? IngestProblems.TooLarge($"The decompressed body exceeds the limit of {limits.MaxDecompressedBytes} bytes.")
                    : IngestProblems.BadRequest(inflated.Error);
        }

        var json = inflated?.Buffer!.Memory ?? body;
        string? idempotencyKey = request.Headers[IdempotencyHeader];
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 128 || idempotencyKey.Any(char.IsControl)))
        {
            return IngestProblems.BadRequest("x-idempotency-key must be 1 to 128 printable characters.");
        }

        if (idempotencyKey is null)
        {
            return await AcceptAsync(http, decoder, key.OrgId, json, now, null, cancellationToken);
        }

        if (!idempotency.IsRecovered)
        {
            return IngestProblems.Busy(http, "the keys of batches accepted before the restart are still being read (the ingest log is not readable yet)", TimeSpan.FromSeconds(5));
        }

        using (await idempotency.LockAsync(key.OrgId, idempotencyKey, cancellationToken))
        {
            byte[] bodyHash = SHA256.HashData(body.Span);
            var stamp = new IdempotencyStamp(idempotencyKey, bodyHash);
            var previous = idempotency.Find(key.OrgId, idempotencyKey, now - limits.IdempotencyWindow);
            if (previous is not null)
            {
                if (previous.Record.BodySha256 != stamp.BodySha256Hex || previous.Record.Signal != decoder.ItemsProperty)
                {
                    return IngestProblems.Conflict($"x-idempotency-key '{idempotencyKey}' was already used within {limits.IdempotencyWindow.TotalHours:0} h for a different batch; use a new key for new data.");
                }

                bool? durable = previous.Uncertain
                    ? await log.WaitUntilDecidedAsync(previous.Generation, previous.Address, TimeSpan.FromSeconds(2), cancellationToken)
                    : true;
                switch (durable)
                {
                    case true:
                        if (previous.Uncertain)
                        {
                            idempotency.Settle(previous);
                        }

                        http.Response.Headers["x-idempotent-replay"] = "true";
                        return Accepted(previous.Record.Accepted, previous.Record.BatchId);
                    case null:
                        // The first attempt's commit timed out and is not decided yet: it may still become durable, so it
                        // must not be appended again. The client retries once it is settled either way.
                        return IngestProblems.Unavailable(http, "the first request with this x-idempotency-key is still being made durable");
                    default:
                        // The log recovered without it: the first attempt was never stored, so this one is new.
                        idempotency.Discard(previous);
                        break;
                }
            }

            return await AcceptAsync(http, decoder, key.OrgId, json, now, stamp, cancellationToken);
        }
    }

    private async Task<IResult> AcceptAsync(HttpContext http, IBatchDecoder decoder, int orgId, ReadOnlyMemory<byte> json, DateTime now,
        IdempotencyStamp? stamp, CancellationToken cancellationToken)
    {
        var limits = options.Value.Ingest;
        if (backlog.RefuseReason(out var wait) is { } behind)
        {
            return IngestProblems.Busy(http, behind, wait);
        }

        if (log.UnavailableReason is { } down)
        {
            return IngestProblems.Unavailable(http, down);
        }

        var org = orgs.Find(orgId);
        if (org is null)
        {
            return IngestProblems.Unauthorized();
        }

        if (!org.PiiKeyAvailable)
        {
            // Scrubbing needs the org's key (hash mode) and the record must never hold unscrubbed values: refuse.
            return IngestProblems.KeyRingUnavailable(http);
        }

        // Decoded, validated and scrubbed once, here: the log holds only what may be stored, so no record can fail
        // the pipeline later and no unscrubbed value reaches the disk.
        // Events before the first day retention keeps would be accepted and then silently deleted: refuse them.
        var retained = RetentionStart(org.Org.RetentionDays, now);
        var context = new DecodeContext
        {
            ReceivedAt = now,
            OldestAllowed = retained > now - limits.MaxEventAge ? retained : now - limits.MaxEventAge,
            RetentionDays = retained > now - limits.MaxEventAge ? org.Org.RetentionDays : null,
            NewestAllowed = now + limits.MaxFutureSkew,
            Scrubber = scrubbers.For(org),
        };
        var batchId = Guid.CreateVersion7();
        using var record = new RecordBuffer(Math.Max(4096, json.Length / 2));
        int itemCount;
        using (await decodeGate.EnterAsync(cancellationToken))
        {
            var decoded = decoder.DecodeRows(json, context);
            switch (decoded.Outcome)
            {
                case DecodeOutcome.Malformed:
                    return IngestProblems.BadRequest(decoded.Problem!);
                case DecodeOutcome.TooManyItems:
                    return IngestProblems.TooLarge(decoded.Problem!);
                case DecodeOutcome.Invalid:
                    return IngestProblems.Invalid(decoder, context);
            }

            if (!rateLimiter.TryAcquire(orgId, Math.Max(1, decoded.ItemCount), out var retryAfter))
            {
                return IngestProblems.TooManyRequests(http, retryAfter);
            }

            itemCount = decoded.ItemCount;
            new IngestEnvelope(decoder.Signal, orgId, now, batchId, itemCount).WriteRecord(record, stamp, decoded.Rows);
        }

        if (record.WrittenCount > log.MaxRecordBytes)
        {
            return IngestProblems.TooLarge($"The batch takes {record.WrittenCount} bytes once decoded; the largest the log takes is {log.MaxRecordBytes}. Send fewer items per request.");
        }

        var accepted = new IngestAccepted(itemCount, batchId.ToString("N"));
        long generation = log.Generation;
        long address;
        try
        {
            address = await log.AppendAsync(record.WrittenMemory, cancellationToken);
        }
        catch (IngestLogUnavailableException ex)
        {
            if (stamp is not null && ex.Generation is { } g && ex.Address is { } a)
            {
                // Enqueued but not confirmed: it may still become durable. A retry waits for that to be decided.
                idempotency.Remember(StampRecord(orgId, decoder, stamp, accepted, now), g, a, uncertain: true);
            }

            LogAppendFailed(logger, ex.Message);
            return IngestProblems.Unavailable(http, ex.Message);
        }

        backlog.NoteAccepted(address);
        if (stamp is not null)
        {
            idempotency.Remember(StampRecord(orgId, decoder, stamp, accepted, now), generation, address);
        }

        return Accepted(accepted.Accepted, accepted.BatchId);
    }

    /// <summary>The first instant retention keeps: the start of the first whole day TelemetryStore.ApplyRetention keeps.</summary>
    internal static DateTime RetentionStart(int retentionDays, DateTime now) =>
        DateOnly.FromDateTime(now.AddDays(-Math.Max(1, retentionDays))).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The idempotency record a stamp stands for (what meta.db keeps once the batch is stored).</summary>
    internal static IdempotencyRecord StampRecord(int orgId, IBatchDecoder decoder, IdempotencyStamp stamp, IngestAccepted accepted, DateTime at) => new()
    {
        OrgId = orgId,
        Key = stamp.Key,
        Signal = decoder.ItemsProperty,
        BodySha256 = stamp.BodySha256Hex,
        BatchId = accepted.BatchId,
        Accepted = accepted.Accepted,
        CreatedAt = at,
    };

    private static JsonHttpResult<IngestAccepted> Accepted(int count, string batchId) =>
        TypedResults.Json(new IngestAccepted(count, batchId), IngestJsonContext.Default.IngestAccepted, statusCode: StatusCodes.Status202Accepted);

    /// <summary>
    /// JSON in UTF-8 only: the decoders read the bytes as UTF-8 and the HMAC covers those bytes, so a body in another
    /// charset cannot be transcoded for the sender, only refused.
    /// </summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) &&
        parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) &&
        (!parsed.Charset.HasValue || HeaderUtilities.RemoveQuotes(parsed.Charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks the HMAC in constant time.</summary>
    private static bool SignatureMatches(ResolvedApiKey key, string? header, ReadOnlySpan<byte> body, DateTime now)
    {
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        bool wellFormed = header is not null &&
            header.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) &&
            header.Length == SignaturePrefix.Length + (2 * HMACSHA256.HashSizeInBytes) &&
            Convert.FromHexString(header.AsSpan(SignaturePrefix.Length), presented, out _, out int written) == System.Buffers.OperationStatus.Done &&
            written == HMACSHA256.HashSizeInBytes;
        return key.VerifySignature(body, presented, now) && wellFormed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected an ingestion request for key {KeyId}: bad or missing signature, or unknown/revoked key")]
    private static partial void LogRejectedSignature(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The key ring cannot decrypt a stored secret; answered 503")]
    private static partial void LogKeyRingFailed(ILogger logger, Exception exception);

    // Warning without the exception: while the disk is full every request lands here, and the ingest log has already
    // logged (and put on the health board) the cause once.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not make a batch durable; answered 503: {Reason}")]
    private static partial void LogAppendFailed(ILogger logger, string reason);
}
