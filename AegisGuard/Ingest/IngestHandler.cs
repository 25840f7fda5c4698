using System.Security.Cryptography;
using AegisGuard.Hosting;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Identity.Network;
using AegisGuard.Ingest.Schema;
using AegisGuard.Orgs;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AegisGuard.Ingest;

/// <summary>
/// One signed batch, checked in order — content type → key → IP allowlist → size → signature (constant time) → scope →
/// decompression → idempotency → schema → rate limit — then appended to the ingest log as ONE record.
/// The 202 is sent only after the log says the record is durable; every refusal leaves nothing behind.
/// </summary>
public sealed partial class IngestHandler(
    ApiKeyService keys,
    IngestRateLimiter rateLimiter,
    IdempotencyGuard idempotency,
    IngestLog log,
    IOptions<AegisOptions> options,
    TimeProvider time,
    OrgDirectory orgs,
    ClientIpResolver ips,
    ILogger<IngestHandler> logger)
{
    public const string KeyHeader = "x-org-key";
    public const string SignatureHeader = "x-signature";
    public const string IdempotencyHeader = "x-idempotency-key";
    private const string SignaturePrefix = "sha256=";
    private static readonly byte[] DecoySecret = RandomNumberGenerator.GetBytes(32);

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
        var key = string.IsNullOrEmpty(keyId) ? null : keys.Resolve(keyId);
        if (key is { Revoked: false } && orgs.Find(key.OrgId) is { Allowlist.IsEmpty: false } org && !org.Allowlist.Allows(ips.Resolve(http)))
        {
            return IngestProblems.Forbidden("This address is not in the organisation's IP allowlist.");
        }

        if (request.ContentLength > limits.MaxBodyBytes)
        {
            return IngestProblems.TooLarge($"The body is {request.ContentLength} bytes; the limit is {limits.MaxBodyBytes}.");
        }

        using var raw = await RequestBodyReader.ReadAsync(request, limits.MaxBodyBytes, IngestEnvelope.HeaderSize, cancellationToken);
        if (raw is null)
        {
            return IngestProblems.TooLarge($"The body exceeds the limit of {limits.MaxBodyBytes} bytes.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (!SignatureMatches(key, request.Headers[SignatureHeader], raw.Array.AsSpan(IngestEnvelope.HeaderSize, raw.Length), now))
        {
            LogRejectedSignature(logger, keyId ?? "(none)");
            return IngestProblems.Unauthorized();
        }

        if (!key!.HasScope(ApiKeyScopes.Ingest))
        {
            return IngestProblems.Forbidden("This API key lacks the ingest scope.");
        }

        keys.NoteUse(key);

        using var inflated = encoding == "gzip" ? RequestBodyReader.Gunzip(raw.Array, IngestEnvelope.HeaderSize, raw.Length, limits.MaxDecompressedBytes, IngestEnvelope.HeaderSize) : null;
        if (inflated is { Buffer: null })
        {
            return inflated.Error is null
                ? IngestProblems.TooLarge($"The decompressed body exceeds the limit of {limits.MaxDecompressedBytes} bytes.")
                : IngestProblems.BadRequest(inflated.Error);
        }

        // The record is the body with the envelope header written into the reserved bytes in front of it.
        var body = inflated?.Buffer ?? raw;
        byte[] record = body.Array;
        int payloadLength = body.Length;
        if (IngestEnvelope.HeaderSize + payloadLength > log.MaxRecordBytes)
        {
            return IngestProblems.TooLarge($"The batch is {payloadLength} bytes; the largest the log takes is {log.MaxRecordBytes - IngestEnvelope.HeaderSize}.");
        }

        string? idempotencyKey = request.Headers[IdempotencyHeader];
        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > 128 || idempotencyKey.Any(char.IsControl)))
        {
            return IngestProblems.BadRequest("x-idempotency-key must be 1 to 128 printable characters.");
        }

        if (idempotencyKey is null)
        {
            return await AcceptAsync(http, decoder, key.OrgId, record, payloadLength, now, null, cancellationToken);
        }

        using (await idempotency.LockAsync(key.OrgId, idempotencyKey, cancellationToken))
        {
            string bodyHash = Convert.ToHexStringLower(SHA256.HashData(record.AsSpan(IngestEnvelope.HeaderSize, payloadLength)));
            string signal = decoder.ItemsProperty;
            var previous = idempotency.Find(key.OrgId, idempotencyKey, now - limits.IdempotencyWindow);
            if (previous is not null)
            {
                if (previous.BodySha256 == bodyHash && previous.Signal == signal)
                {
                    http.Response.Headers["x-idempotent-replay"] = "true";
                    return Accepted(previous.Accepted, previous.BatchId);
                }

                return IngestProblems.Conflict($"x-idempotency-key '{idempotencyKey}' was already used within {limits.IdempotencyWindow.TotalHours:0} h for a different batch; use a new key for new data.");
            }

            return await AcceptAsync(http, decoder, key.OrgId, record, payloadLength, now,
                accepted => idempotency.Save(new IdempotencyRecord
                {
                    OrgId = key.OrgId,
                    Key = idempotencyKey,
                    Signal = signal,
                    BodySha256 = bodyHash,
                    BatchId = accepted.BatchId,
                    Accepted = accepted.Accepted,
                    CreatedAt = now,
                }),
                cancellationToken);
        }
    }

    private async Task<IResult> AcceptAsync(HttpContext http, IBatchDecoder decoder, int orgId, byte[] record, int payloadLength, DateTime now,
        Action<IngestAccepted>? onAccepted, CancellationToken cancellationToken)
    {
        var limits = options.Value.Ingest;
        var context = new DecodeContext { ReceivedAt = now, OldestAllowed = now - limits.MaxEventAge, NewestAllowed = now + limits.MaxFutureSkew };
        var payload = record.AsMemory(IngestEnvelope.HeaderSize, payloadLength);
        var checkedBatch = decoder.Validate(payload, context);
        switch (checkedBatch.Outcome)
        {
            case DecodeOutcome.Malformed:
                return IngestProblems.BadRequest(checkedBatch.Problem!);
            case DecodeOutcome.TooManyItems:
                return IngestProblems.TooLarge(checkedBatch.Problem!);
            case DecodeOutcome.Invalid:
                return IngestProblems.Invalid(decoder, context);
        }

        if (!rateLimiter.TryAcquire(orgId, Math.Max(1, checkedBatch.ItemCount), out var retryAfter))
        {
            return IngestProblems.TooManyRequests(http, retryAfter);
        }

        var batchId = Guid.CreateVersion7();
        new IngestEnvelope(decoder.Signal, orgId, now, batchId, checkedBatch.ItemCount).WriteHeader(record);
        try
        {
            await log.AppendAsync(record.AsMemory(0, IngestEnvelope.HeaderSize + payloadLength), cancellationToken);
        }
        catch (IngestLogUnavailableException ex)
        {
            LogAppendFailed(logger, ex);
            return IngestProblems.Unavailable(http, ex.Message);
        }

        var accepted = new IngestAccepted(checkedBatch.ItemCount, batchId.ToString("N"));
        onAccepted?.Invoke(accepted);
        return Accepted(accepted.Accepted, accepted.BatchId);
    }

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

    /// <summary>
    /// Checks the HMAC in constant time. Unknown and revoked keys run the same HMAC against a decoy secret, so
    /// neither the body nor the timing of the 401 tells them apart from a bad signature.
    /// </summary>
    private static bool SignatureMatches(ResolvedApiKey? key, string? header, ReadOnlySpan<byte> body, DateTime now)
    {
        Span<byte> presented = stackalloc byte[HMACSHA256.HashSizeInBytes];
        bool wellFormed = header is not null &&
            header.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) &&
            header.Length == SignaturePrefix.Length + (2 * HMACSHA256.HashSizeInBytes) &&
            Convert.FromHexString(header.AsSpan(SignaturePrefix.Length), presented, out _, out int written) == System.Buffers.OperationStatus.Done &&
            written == HMACSHA256.HashSizeInBytes;
        if (key is null || key.Revoked)
        {
            Span<byte> decoy = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(DecoySecret, body, decoy);
            return false;
        }

        return key.VerifySignature(body, presented, now) && wellFormed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected an ingestion request for key {KeyId}: bad or missing signature, or unknown/revoked key")]
    private static partial void LogRejectedSignature(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not make a batch durable; answered 503")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception);
}
