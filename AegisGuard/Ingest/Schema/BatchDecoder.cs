using System.Text;
using System.Text.Json;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// Decodes one signal's batch (<c>{"&lt;items&gt;":[…]}</c>) into rows. The ingest API runs it to validate before
/// anything is written (the whole batch is rejected when one item is bad); the normalizer runs it again on the
/// stored bytes, with the org's scrubber, to build the rows it writes. Both first pass the bytes through
/// <see cref="WireValidator"/>, so nothing reaches the JSON decoding that it could throw on.
/// </summary>
public abstract class BatchDecoder<TRow> : IBatchDecoder
    where TRow : TelemetryRow
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = WireLimits.MaxBodyDepth };
    private byte[]? itemsPropertyUtf8;

    public abstract Signal Signal { get; }

    public abstract string ItemsProperty { get; }

    public abstract int MaxItems { get; }

    public BatchDecodeResult<TRow> Decode(ReadOnlyMemory<byte> json, DecodeContext context) => Decode(json, context, writeAttributes: true);

    public BatchDecodeResult<TelemetryRow> DecodeRows(ReadOnlyMemory<byte> json, DecodeContext context)
    {
        var result = Decode(json, context, writeAttributes: true);
        return new BatchDecodeResult<TelemetryRow> { Outcome = result.Outcome, ItemCount = result.ItemCount, Problem = result.Problem, Rows = result.Rows };
    }

    public BatchDecodeResult<object> Validate(ReadOnlyMemory<byte> json, DecodeContext context)
    {
        // Same checks as Decode; the attributes are checked but not written, as the rows are thrown away.
        var result = Decode(json, context, writeAttributes: false);
        return new BatchDecodeResult<object> { Outcome = result.Outcome, ItemCount = result.ItemCount, Problem = result.Problem };
    }

    /// <summary>The item fields this schema reads itself; any other field of an item is kept as an attribute.</summary>
    private protected abstract FieldNames KnownFields { get; }

    private BatchDecodeResult<TRow> Decode(ReadOnlyMemory<byte> json, DecodeContext context, bool writeAttributes)
    {
        ArgumentNullException.ThrowIfNull(context);
        itemsPropertyUtf8 ??= Encoding.UTF8.GetBytes(ItemsProperty);
        var check = WireValidator.Check(json.Span, itemsPropertyUtf8, MaxItems, KnownFields, context);
        switch (check.Outcome)
        {
            case DecodeOutcome.Malformed:
                return Malformed(check.Problem!);
            case DecodeOutcome.TooManyItems:
                return TooManyItems(check.ItemCount);
            case DecodeOutcome.Invalid:
                return new BatchDecodeResult<TRow> { Outcome = DecodeOutcome.Invalid, ItemCount = check.ItemCount };
        }

        if (SinglePass && TryDecodeWhole(json, context) is { } fast)
        {
            return new BatchDecodeResult<TRow> { Outcome = DecodeOutcome.Ok, ItemCount = fast.Count, Rows = fast };
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException ex)
        {
            return Malformed($"the body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(ItemsProperty, out var items) || items.ValueKind != JsonValueKind.Array)
            {
                return Malformed($"the body must be a JSON object with an array property \"{ItemsProperty}\", e.g. {{\"{ItemsProperty}\":[…]}}");
            }

            int count = items.GetArrayLength();
            if (count > MaxItems)
            {
                return TooManyItems(count);
            }

            var rows = new List<TRow>(count);
            using var attributes = new AttributeWriter();
            int index = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    context.Fail(index, string.Empty, $"each item must be a JSON object, not {FieldReader.Describe(item.ValueKind)}");
                }
                else
                {
                    attributes.Begin(context.Scrubber, writeAttributes);
                    var row = DecodeItem(item, index, context, attributes);
                    if (row is not null)
                    {
                        rows.Add(row);
                    }
                }

                index++;
            }

            return new BatchDecodeResult<TRow>
            {
                Outcome = context.HasErrors ? DecodeOutcome.Invalid : DecodeOutcome.Ok,
                ItemCount = count,
                Rows = context.HasErrors ? [] : rows,
            };
        }
    }

    /// <summary>
    /// A schema's single-pass decode of a batch the validator passed, straight from the bytes (no document is built), for
    /// batches in which every item is valid. It never records an error: anything it is not sure of — an error, an escape,
    /// a label set not seen before — returns null, and the document path below decodes the batch and explains. So the
    /// rows it returns must equal, field for field, what that path would have made (a differential test checks it).
    /// </summary>
    internal virtual List<TRow>? TryDecodeWhole(ReadOnlyMemory<byte> json, DecodeContext context) => null;

    /// <summary>False: always the document path (the differential test compares the two).</summary>
    internal bool SinglePass { get; init; } = true;

    /// <summary>Decodes one item; returns null after recording at least one error in <paramref name="context"/>.</summary>
    protected abstract TRow? DecodeItem(JsonElement item, int index, DecodeContext context, AttributeWriter attributes);

    private static BatchDecodeResult<TRow> Malformed(string problem) => new() { Outcome = DecodeOutcome.Malformed, Problem = problem };

    private BatchDecodeResult<TRow> TooManyItems(int count) => new()
    {
        Outcome = DecodeOutcome.TooManyItems,
        ItemCount = count,
        Problem = $"the batch holds {count} {ItemsProperty}; one request may carry at most {MaxItems}",
    };
}
