namespace AegisGuard.Storage.Traces;

/// <summary>
/// The one form a trace id is kept in. Zipkin/B3 and Jaeger send 64-bit trace ids (16 hex digits) where W3C trace
/// context sends 128 bits (32); OpenTelemetry's bridges widen the short form by putting 16 zeros in front. Spans and
/// span links are stored in that widened form from ingestion on, so one trace whose services propagate both forms is
/// one trace; lookups also try the short form, for spans and log lines stored as sent before (or by a path that does
/// not widen, such as a log line's trace_id).
/// </summary>
public static class TraceIds
{
    private const string ShortPrefix = "0000000000000000";

    /// <summary>The stored form of a (lower-case) id: 16 hex digits widened to 32; any other id unchanged.</summary>
    public static string Canonical(string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        return traceId.Length == 16 && IsHex(traceId) ? ShortPrefix + traceId : traceId;
    }

    /// <summary>
    /// The forms under which one trace may be stored, lower case, canonical first: the canonical form and, when it is a
    /// widened 64-bit id, the 16 digits as sent.
    /// </summary>
    public static IReadOnlyList<string> LookupForms(string traceId)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        string canonical = Canonical(traceId.ToLowerInvariant());
        return canonical.Length == 32 && canonical.StartsWith(ShortPrefix, StringComparison.Ordinal) && IsHex(canonical)
            ? [canonical, canonical[16..]]
            : [canonical];
    }

    private static bool IsHex(string value)
    {
        foreach (char c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
