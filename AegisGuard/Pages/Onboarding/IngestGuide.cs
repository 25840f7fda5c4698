namespace AegisGuard.Pages.Onboarding;

/// <summary>
/// The ready-to-paste commands that take a person from nothing to a first stored log line: create a key with the CLI,
/// sign and send a batch with curl, read it back. Rendered by <c>_IngestGuide.cshtml</c> on empty states (Overview, and
/// later the Logs explorer). The commands are the README's, filled in with this server's URL, data directory and org.
/// </summary>
public sealed record IngestGuide
{
    public const string KeyIdPlaceholder = "obs_…";
    public const string SecretPlaceholder = "…";

    /// <summary>Step 1: the CLI command that creates an ingest+read key (the secret is shown once).</summary>
    public required string CreateKey { get; init; }

    /// <summary>Step 2: a shell snippet that signs a batch with the key and posts it.</summary>
    public required string SendBatch { get; init; }

    /// <summary>Step 3: reading the line back with the same key.</summary>
    public required string ReadBack { get; init; }

    /// <summary>The org the key is created in.</summary>
    public required string OrgSlug { get; init; }

    public static IngestGuide For(CliInvocation cli, string orgSlug, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(cli);
        string url = baseUrl.TrimEnd('/');
        return new IngestGuide
        {
            OrgSlug = orgSlug,
            CreateKey = cli.CreateKeyCommand(orgSlug, "first") + "\n# {\"id\":\"obs_…\",\"secret\":\"…\"}",
            SendBatch =
                $$"""
                KEY_ID='{{KeyIdPlaceholder}}'   # "id" from step 1
                ORG_SECRET='{{SecretPlaceholder}}'   # "secret" from step 1
                BODY='{"logs":[{"service":"api","level":"info","message":"Hello from AegisGuard"}]}'
                SIGNATURE=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$ORG_SECRET" | awk '{print $2}')
                curl -sS -X POST {{url}}/v1/logs \
                  -H "Content-Type: application/json" \
                  -H "x-org-key: $KEY_ID" \
                  -H "x-signature: sha256=$SIGNATURE" \
                  -d "$BODY"
                # {"accepted":1,"batchId":"…"}
                """,
            ReadBack = $"curl -sS {url}/api/logs -H \"Authorization: Bearer $KEY_ID.$ORG_SECRET\"",
        };
    }
}
