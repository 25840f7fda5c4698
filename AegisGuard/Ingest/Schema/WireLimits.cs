namespace AegisGuard.Ingest.Schema;

/// <summary>
/// The limits every batch is held to before the 202, besides each decoder's own field rules. They exist so that
/// what is acknowledged can always be stored and read back: one attribute value cannot take a Parquet page, one item
/// cannot hold a megabyte of free-form JSON, nesting cannot exhaust a recursive reader. The README's ingestion
/// contract and the OpenAPI description state the same numbers.
/// </summary>
public static class WireLimits
{
    /// <summary>
    /// Longest string (value or nested property name) inside attributes, in UTF-8 bytes after unescaping. Large
    /// enough for a stack trace or a SQL statement; larger payloads belong in the message (256 KiB).
    /// </summary>
    public const int MaxAttributeStringBytes = 32 * 1024;

    /// <summary>
    /// Most bytes all attributes of one item may take as sent (names and values of the attributes object and of the
    /// fields the schema does not know, which are kept as attributes). Every row carries them in one JSON column.
    /// </summary>
    public const int MaxAttributeBytes = 64 * 1024;

    /// <summary>
    /// Deepest nesting of objects and arrays inside one item (the attributes object is level 1). Deeper data is not
    /// queryable in any useful way and costs recursion in every reader.
    /// </summary>
    public const int MaxItemDepth = 8;

    /// <summary>Deepest nesting anywhere in a body, the same bound the decoders' JSON parser has.</summary>
    public const int MaxBodyDepth = 32;

    /// <summary>
    /// Longest span or RUM duration: ten years in milliseconds. Beyond it the end time leaves what a timestamp
    /// column holds, and no real operation lasts that long.
    /// </summary>
    public const double MaxDurationMs = 3652.5 * 24 * 60 * 60 * 1000;

    /// <summary>Largest histogram <c>count</c> or bucket count: what the 64-bit integer column holds.</summary>
    public const long MaxHistogramCount = long.MaxValue;

    /// <summary>
    /// Most events one span may carry (OpenTelemetry's default span limit). Their bytes count toward
    /// <see cref="MaxAttributeBytes"/> with the span's attributes, so the count bounds the rows of the panel, not the size.
    /// </summary>
    public const int MaxSpanEvents = 128;

    /// <summary>Most links one span may carry (OpenTelemetry's default span limit); their bytes count as for events.</summary>
    public const int MaxSpanLinks = 128;

    /// <summary>The rules above in words, for the OpenAPI description of every ingestion endpoint.</summary>
    public static readonly string Description =
        "The body must be UTF-8 JSON (Content-Type application/json or application/json; charset=utf-8; any other charset → 415), " +
        "without a byte order mark. Refused anywhere in the body, in names and values at any depth: invalid UTF-8, lone surrogate " +
        "escapes (\\ud800 without its low half, \\udc00 alone), the same property name twice in one object, numbers beyond a " +
        "64-bit float (1e400). Inside an item that is a 422 naming the item and the path (errors[\"logs[3].attributes.user.name\"]); " +
        "elsewhere a 400. NUL (\\u0000) is kept in attributes and refused in other text fields. " +
        $"Attributes: one string (value or nested name) at most {MaxAttributeStringBytes} bytes of UTF-8; all attributes of one item " +
        $"(the attributes object plus unknown fields) at most {MaxAttributeBytes} bytes as sent; objects and arrays nest at most " +
        $"{MaxItemDepth} levels inside an item and {MaxBodyDepth} in the body. duration_ms: 0 to {MaxDurationMs:0} (10 years); " +
        "histogram counts fit a 64-bit integer.";
}
