using System.Security.Cryptography;
using AegisGuard.Pages.Onboarding;

namespace AegisGuard.Pages.Traces;

/// <summary>
/// The commands on the empty states of the trace pages: create a key, then sign and send one small trace that crosses
/// three services (web → api → db, one failed span), so search, the waterfall and the service map all have something
/// to show. The trace id is random per page view so pasting the snippet twice makes two traces, not one with
/// duplicate spans; the span times are taken from the shell's clock when it runs.
/// </summary>
public sealed record TraceIngestGuide
{
    /// <summary>Step 1: the CLI command that creates an ingest+read key (the secret is shown once).</summary>
    public required string CreateKey { get; init; }

    /// <summary>Step 2: a shell snippet that builds the trace, signs it and posts it to <c>/v1/traces</c>.</summary>
    public required string SendTrace { get; init; }

    /// <summary>Step 3: the trace read back through the API with the same key.</summary>
    public required string ReadBack { get; init; }

    /// <summary>The trace id the snippet sends.</summary>
    public required string TraceId { get; init; }

    public required string OrgSlug { get; init; }

    public static TraceIngestGuide For(CliInvocation cli, string orgSlug, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(cli);
        string url = baseUrl.TrimEnd('/');
        string traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new TraceIngestGuide
        {
            OrgSlug = orgSlug,
            TraceId = traceId,
            CreateKey = cli.CreateKeyCommand(orgSlug, "traces") + "\n# {\"id\":\"obs_…\",\"secret\":\"…\"}",
            SendTrace =
                $$$"""
                KEY_ID='{{{IngestGuide.KeyIdPlaceholder}}}'   # "id" from step 1
                ORG_SECRET='{{{IngestGuide.SecretPlaceholder}}}'   # "secret" from step 1
                TRACE_ID={{{traceId}}}
                T=$(date -u +%Y-%m-%dT%H:%M:%S)
                BODY=$(cat <<EOF
                {"spans":[
                {"trace_id":"$TRACE_ID","span_id":"a000000000000001","service":"web","name":"GET /checkout","kind":"server","start":"$T.000Z","duration_ms":180,"status":"ok","attributes":{"http.method":"GET","http.status_code":200}},
                {"trace_id":"$TRACE_ID","span_id":"a000000000000002","parent_span_id":"a000000000000001","service":"web","name":"POST /orders","kind":"client","start":"$T.010Z","duration_ms":150},
                {"trace_id":"$TRACE_ID","span_id":"a000000000000003","parent_span_id":"a000000000000002","service":"api","name":"POST /orders","kind":"server","start":"$T.015Z","duration_ms":140},
                {"trace_id":"$TRACE_ID","span_id":"a000000000000004","parent_span_id":"a000000000000003","service":"db","name":"INSERT orders","kind":"client","start":"$T.030Z","duration_ms":40,"attributes":{"db.system":"postgresql"}},
                {"trace_id":"$TRACE_ID","span_id":"a000000000000005","parent_span_id":"a000000000000003","service":"api","name":"charge card","kind":"internal","start":"$T.080Z","duration_ms":60,"status":"error","status_message":"card declined"}
                ]}
                EOF
                )
                SIGNATURE=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$ORG_SECRET" | awk '{print $2}')
                curl -sS -X POST {{{url}}}/v1/traces \
                  -H "Content-Type: application/json" \
                  -H "x-org-key: $KEY_ID" \
                  -H "x-signature: sha256=$SIGNATURE" \
                  --data-binary "$BODY"
                # {"accepted":5,"batchId":"…"}
                """,
            ReadBack = $"curl -sS {url}/api/traces/$TRACE_ID -H \"Authorization: Bearer $KEY_ID.$ORG_SECRET\"",
        };
    }
}
