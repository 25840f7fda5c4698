using System.Text.Json;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// <c>POST /v1/traces</c>: <c>{"spans":[{"trace_id","span_id","parent_span_id","service","name","kind","start","end"|"duration_ms","status","status_message","attributes","events","links","resource"}]}</c>.
/// Unknown fields become attributes. A 64-bit trace id (16 hex digits, Zipkin/B3) is stored widened to 32
/// (<see cref="TraceIds.Canonical"/>). <c>events</c>, <c>links</c> and <c>resource</c> are read by
/// <see cref="SpanDetailReader"/>; they are deliberately not among the fields the wire validator knows, so their bytes
/// count toward the item's attribute limits like the attributes they carry.
/// </summary>
public sealed class SpanBatchDecoder : BatchDecoder<SpanRecord>
{
    private static readonly FieldNames Fields = new("trace_id", "span_id", "parent_span_id", "service", "name", "kind", "start", "end", "duration_ms", "status", "status_message", "attributes");

    private static readonly Dictionary<string, string> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["internal"] = "internal", ["server"] = "server", ["client"] = "client", ["producer"] = "producer", ["consumer"] = "consumer",
        ["span_kind_internal"] = "internal", ["span_kind_server"] = "server", ["span_kind_client"] = "client",
        ["span_kind_producer"] = "producer", ["span_kind_consumer"] = "consumer",
    };

    private static readonly Dictionary<string, string> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ok"] = "ok", ["error"] = "error", ["unset"] = "unset",
        ["status_code_ok"] = "ok", ["status_code_error"] = "error", ["status_code_unset"] = "unset",
    };

    private protected override FieldNames KnownFields => Fields;

    public override Signal Signal => Signal.Traces;

    public override string ItemsProperty => "spans";

    public override int MaxItems => 500;

    protected override SpanRecord? DecodeItem(JsonElement item, int index, DecodeContext context, AttributeWriter attributes)
    {
        string? traceId = null, spanId = null, parent = null, service = null, name = null, kind = null, status = null, statusMessage = null;
        DateTime? start = null, end = null;
        string? events = null, links = null, resource = null, resourceService = null;
        double? durationMs = null;
        int errorsBefore = context.ErrorCount;
        foreach (var property in item.EnumerateObject())
        {
            switch (Fields.Match(property))
            {
                case "trace_id":
                    traceId = FieldReader.Identifier(property, index, context, 64);
                    break;
                case "span_id":
                    spanId = FieldReader.Identifier(property, index, context, 64);
                    break;
                case "parent_span_id":
                    parent = property.Value.ValueKind == JsonValueKind.String && property.Value.GetString()!.Length == 0
                        ? null
                        : FieldReader.Identifier(property, index, context, 64);
                    break;
                case "service":
                    service = FieldReader.String(property, index, context, 256);
                    break;
                case "name":
                    name = FieldReader.String(property, index, context, 1024, allowEmpty: false);
                    break;
                case "kind":
                    string? rawKind = FieldReader.String(property, index, context, 32);
                    if (rawKind is not null && !Kinds.TryGetValue(rawKind, out kind))
                    {
                        context.Fail(index, property.Name, "must be internal, server, client, producer or consumer");
                    }

                    break;
                case "start":
                    start = FieldReader.Time(property, index, context);
                    break;
                case "end":
                    end = FieldReader.Time(property, index, context);
                    break;
                case "duration_ms":
                    durationMs = FieldReader.Duration(property, index, context);
                    break;
                case "status":
                    string? rawStatus = FieldReader.String(property, index, context, 32);
                    if (rawStatus is not null && !Statuses.TryGetValue(rawStatus, out status))
                    {
                        context.Fail(index, property.Name, "must be ok, error or unset");
                    }

                    break;
                case "status_message":
                    statusMessage = FieldReader.String(property, index, context, 4096);
                    break;
                case "attributes":
                    attributes.AddObject(property, index, context);
                    break;
                default:
                    if (property.NameEquals("events"u8))
                    {
                        events = Details.Events(property, index, context);
                    }
                    else if (property.NameEquals("links"u8))
                    {
                        links = Details.Links(property, index, context);
                    }
                    else if (property.NameEquals("resource"u8))
                    {
                        resource = Details.Resource(property, index, context, out resourceService);
                    }
                    else
                    {
                        attributes.Add(property, index, context);
                    }

                    break;
            }
        }

        Require(traceId, "trace_id", index, context, errorsBefore);
        Require(spanId, "span_id", index, context, errorsBefore);
        Require(name, "name", index, context, errorsBefore);
        if (start is null && context.ErrorCount == errorsBefore)
        {
            context.Fail(index, "start", "is required");
        }

        if (end is null && durationMs is null && context.ErrorCount == errorsBefore)
        {
            context.Fail(index, "end", "either end or duration_ms is required");
        }

        if (context.ErrorCount != errorsBefore)
        {
            return null;
        }

        DateTime finish;
        if (end is { } given)
        {
            finish = given;
        }
        else
        {
            // Exact for any duration within WireLimits.MaxDurationMs; only the addition can leave DateTime's range.
            long ticks = (long)(durationMs!.Value * TimeSpan.TicksPerMillisecond);
            if (ticks > (DateTime.MaxValue - start!.Value).Ticks)
            {
                context.Fail(index, "duration_ms", "start + duration_ms is past the last representable time (9999-12-31T23:59:59Z)");
                return null;
            }

            finish = start.Value.AddTicks(ticks);
        }

        if (finish < start)
        {
            context.Fail(index, "end", "must not be before start");
            return null;
        }

        return new SpanRecord
        {
            TraceId = context.ScrubIdentifier(TraceIds.Canonical(traceId!)),
            SpanId = context.ScrubIdentifier(spanId!),
            ParentSpanId = context.ScrubIdentifier(parent),
            Service = !string.IsNullOrWhiteSpace(service) ? context.ScrubText(service)
                : !string.IsNullOrWhiteSpace(resourceService) && resourceService.Length <= 256 && !resourceService.Contains('\0', StringComparison.Ordinal) ? context.ScrubText(resourceService)
                : LogBatchDecoder.DefaultService,
            Name = context.ScrubText(name!),
            Kind = kind ?? "internal",
            Start = start!.Value,
            End = finish,
            DurationMicros = (finish - start!.Value).Ticks / TimeSpan.TicksPerMicrosecond,
            Status = status ?? "unset",
            StatusMessage = context.ScrubText(statusMessage),
            AttributesJson = attributes.End(),
            EventsJson = events,
            LinksJson = links,
            ResourceJson = resource,
            SourceAddress = context.SourceAddress,
            SourceIndex = index,
        };
    }

    // One per thread: decoders are shared by concurrent requests, and a batch is decoded on one thread without awaits.
    [ThreadStatic]
    private static SpanDetailReader? details;

    private static SpanDetailReader Details => details ??= new SpanDetailReader();

    private static void Require(string? value, string field, int index, DecodeContext context, int errorsBefore)
    {
        if (value is null && context.ErrorCount == errorsBefore)
        {
            context.Fail(index, field, "is required");
        }
    }
}
