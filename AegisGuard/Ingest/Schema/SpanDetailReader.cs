using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// Reads a span's <c>events</c>, <c>links</c> and <c>resource</c> into the JSON texts the span row stores. Each event's
/// and link's attributes, and the resource, go through an <see cref="AttributeWriter"/>, so they are scrubbed exactly
/// like span attributes (names, values, secrets by name); event names are scrubbed as text and link ids as ids. Errors
/// name the path inside the span (<c>events[2].time</c>). Sizes are not checked here: these fields are not known to
/// <see cref="WireValidator"/>, which therefore counts their bytes toward the item's attribute budget and holds their
/// strings to the attribute string limit before any decoder runs.
/// </summary>
internal sealed class SpanDetailReader : IDisposable
{
    private static readonly FieldNames EventFields = new("name", "time", "attributes");
    private static readonly FieldNames LinkFields = new("trace_id", "span_id", "attributes");

    private readonly AttributeWriter attributes = new();
    private readonly ArrayBufferWriter<byte> buffer = new(512);
    private readonly Utf8JsonWriter writer;

    public SpanDetailReader() => writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });

    /// <summary>The events array as stored, null when empty or absent, or null after recording an error.</summary>
    public string? Events(JsonProperty property, int index, DecodeContext context)
    {
        if (!IsList(property, WireLimits.MaxSpanEvents, "events", index, context, out int count) || count == 0)
        {
            return null;
        }

        Start();
        writer.WriteStartArray();
        int position = 0;
        bool ok = true;
        foreach (var item in property.Value.EnumerateArray())
        {
            ok &= Event(item, $"events[{position}]", index, context);
            position++;
        }

        writer.WriteEndArray();
        return ok ? Finish() : null;
    }

    /// <summary>The links array as stored (trace ids in <see cref="TraceIds.Canonical"/> form), as for events.</summary>
    public string? Links(JsonProperty property, int index, DecodeContext context)
    {
        if (!IsList(property, WireLimits.MaxSpanLinks, "links", index, context, out int count) || count == 0)
        {
            return null;
        }

        Start();
        writer.WriteStartArray();
        int position = 0;
        bool ok = true;
        foreach (var item in property.Value.EnumerateArray())
        {
            ok &= Link(item, $"links[{position}]", index, context);
            position++;
        }

        writer.WriteEndArray();
        return ok ? Finish() : null;
    }

    /// <summary>
    /// The resource attributes as a JSON object text (null when absent or empty); <paramref name="serviceName"/> is its
    /// <c>service.name</c> when that is a string, for spans that do not name their service themselves.
    /// </summary>
    public string? Resource(JsonProperty property, int index, DecodeContext context, out string? serviceName)
    {
        serviceName = null;
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (property.Value.ValueKind != JsonValueKind.Object)
        {
            context.Fail(index, "resource", $"must be an object of resource attributes (e.g. {{\"service.version\":\"1.4.2\",\"host.name\":\"web-1\"}}), not {FieldReader.Describe(property.Value.ValueKind)}");
            return null;
        }

        if (property.Value.TryGetProperty("service.name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            serviceName = name.GetString();
        }

        attributes.Begin(context.Scrubber);
        int errors = context.ErrorCount;
        var inner = Inner(context);
        attributes.AddObject(property, 0, inner);
        Forward(inner, string.Empty, index, context);
        string json = attributes.End();
        return context.ErrorCount != errors || json == "{}" ? null : json;
    }

    public void Dispose()
    {
        writer.Dispose();
        attributes.Dispose();
    }

    private static bool IsList(JsonProperty property, int max, string field, int index, DecodeContext context, out int count)
    {
        count = 0;
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            context.Fail(index, field, $"must be an array, not {FieldReader.Describe(property.Value.ValueKind)}");
            return false;
        }

        count = property.Value.GetArrayLength();
        if (count > max)
        {
            context.Fail(index, field, string.Create(CultureInfo.InvariantCulture, $"holds {count} items; a span may carry at most {max}"));
            return false;
        }

        return true;
    }

    private bool Event(JsonElement item, string path, int index, DecodeContext context)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            context.Fail(index, path, $"must be an object {{\"name\",\"time\",\"attributes\"}}, not {FieldReader.Describe(item.ValueKind)}");
            return false;
        }

        var inner = Inner(context);
        string? name = null;
        DateTime? time = null;
        attributes.Begin(context.Scrubber);
        foreach (var property in item.EnumerateObject())
        {
            switch (EventFields.Match(property))
            {
                case "name":
                    name = FieldReader.String(property, 0, inner, 1024, allowEmpty: false);
                    break;
                case "time":
                    time = FieldReader.Time(property, 0, inner);
                    break;
                case "attributes":
                    attributes.AddObject(property, 0, inner);
                    break;
                default:
                    attributes.Add(property, 0, inner); // as on the span: a field not listed is kept as an attribute
                    break;
            }
        }

        if (name is null && !inner.HasErrors)
        {
            inner.Fail(0, "name", "is required");
        }

        if (time is null && !inner.HasErrors)
        {
            inner.Fail(0, "time", "is required (the same formats as the span's start)");
        }

        string json = attributes.End();
        if (inner.HasErrors)
        {
            Forward(inner, path, index, context);
            return false;
        }

        writer.WriteStartObject();
        writer.WriteString("time", time!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("name", context.ScrubText(name!));
        writer.WritePropertyName("attributes");
        writer.WriteRawValue(json, skipInputValidation: true);
        writer.WriteEndObject();
        return true;
    }

    private bool Link(JsonElement item, string path, int index, DecodeContext context)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            context.Fail(index, path, $"must be an object {{\"trace_id\",\"span_id\",\"attributes\"}}, not {FieldReader.Describe(item.ValueKind)}");
            return false;
        }

        var inner = Inner(context);
        string? traceId = null, spanId = null;
        attributes.Begin(context.Scrubber);
        foreach (var property in item.EnumerateObject())
        {
            switch (LinkFields.Match(property))
            {
                case "trace_id":
                    traceId = FieldReader.Identifier(property, 0, inner, 64);
                    break;
                case "span_id":
                    spanId = FieldReader.Identifier(property, 0, inner, 64);
                    break;
                case "attributes":
                    attributes.AddObject(property, 0, inner);
                    break;
                default:
                    attributes.Add(property, 0, inner);
                    break;
            }
        }

        if (traceId is null && !inner.HasErrors)
        {
            inner.Fail(0, "trace_id", "is required");
        }

        if (spanId is null && !inner.HasErrors)
        {
            inner.Fail(0, "span_id", "is required");
        }

        string json = attributes.End();
        if (inner.HasErrors)
        {
            Forward(inner, path, index, context);
            return false;
        }

        writer.WriteStartObject();
        writer.WriteString("trace_id", context.ScrubIdentifier(TraceIds.Canonical(traceId!)));
        writer.WriteString("span_id", context.ScrubIdentifier(spanId!));
        writer.WritePropertyName("attributes");
        writer.WriteRawValue(json, skipInputValidation: true);
        writer.WriteEndObject();
        return true;
    }

    /// <summary>A context for one nested object: the batch's window and scrubber, its own errors (see <see cref="Forward"/>).</summary>
    private static DecodeContext Inner(DecodeContext context) => new()
    {
        ReceivedAt = context.ReceivedAt,
        OldestAllowed = context.OldestAllowed,
        NewestAllowed = context.NewestAllowed,
        RetentionDays = context.RetentionDays,
        SourceAddress = context.SourceAddress,
        Scrubber = context.Scrubber,
    };

    /// <summary>Records the nested object's errors on the span, their fields under <paramref name="path"/>.</summary>
    private static void Forward(DecodeContext inner, string path, int index, DecodeContext context)
    {
        foreach (var error in inner.Errors)
        {
            string field = path.Length == 0 ? error.Field : error.Field.Length == 0 ? path : $"{path}.{error.Field}";
            context.Fail(index, field, error.Reason);
        }
    }

    private void Start()
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
    }

    private string Finish()
    {
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
