using System.Text.Json;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// <c>POST /v1/logs</c>: <c>{"logs":[{"timestamp","service","level","message","host","trace_id","span_id","attributes"}]}</c>.
/// Only <c>message</c> is required; unknown fields become attributes.
/// </summary>
public sealed class LogBatchDecoder : BatchDecoder<LogRecord>
{
    private static readonly FieldNames Fields = new("timestamp", "service", "level", "message", "host", "trace_id", "span_id", "attributes");

    public const int MaxMessageLength = 256 * 1024;
    public const string DefaultService = "unknown";

    private protected override FieldNames KnownFields => Fields;

    public override Signal Signal => Signal.Logs;

    public override string ItemsProperty => "logs";

    public override int MaxItems => 1000;

    protected override LogRecord? DecodeItem(JsonElement item, int index, DecodeContext context, AttributeWriter attributes)
    {
        DateTime? timestamp = null;
        string? service = null, level = null, host = null, message = null, traceId = null, spanId = null;
        bool hasMessage = false;
        int errorsBefore = context.ErrorCount;
        foreach (var property in item.EnumerateObject())
        {
            switch (Fields.Match(property))
            {
                case "timestamp":
                    timestamp = FieldReader.Time(property, index, context);
                    break;
                case "service":
                    service = FieldReader.String(property, index, context, 256);
                    break;
                case "level":
                    string? raw = FieldReader.String(property, index, context, 32);
                    if (raw is not null)
                    {
                        level = LogLevels.Normalise(raw);
                        if (level is null)
                        {
                            context.Fail(index, property.Name, $"'{raw}' is not a known level; use one of {string.Join(", ", LogLevels.Normalised)} (or a common synonym such as warning, critical)");
                        }
                    }

                    break;
                case "message":
                    hasMessage = true;
                    message = FieldReader.String(property, index, context, MaxMessageLength);
                    if (message is null && property.Value.ValueKind == JsonValueKind.Null)
                    {
                        context.Fail(index, property.Name, "must be a string, not null");
                    }

                    break;
                case "host":
                    host = FieldReader.String(property, index, context, 256);
                    break;
                case "trace_id":
                    traceId = FieldReader.Identifier(property, index, context, 64);
                    break;
                case "span_id":
                    spanId = FieldReader.Identifier(property, index, context, 64);
                    break;
                case "attributes":
                    attributes.AddObject(property, index, context);
                    break;
                default:
                    attributes.Add(property, index, context);
                    break;
            }
        }

        if (!hasMessage)
        {
            context.Fail(index, "message", "is required");
        }

        if (context.ErrorCount != errorsBefore)
        {
            return null;
        }

        return new LogRecord
        {
            Timestamp = timestamp ?? context.ReceivedAt,
            ReceivedAt = context.ReceivedAt,
            Service = string.IsNullOrWhiteSpace(service) ? DefaultService : context.ScrubText(service),
            Level = level ?? LogLevels.Default,
            Host = context.ScrubText(host),
            Message = context.ScrubText(message!),
            TraceId = context.ScrubIdentifier(traceId),
            SpanId = context.ScrubIdentifier(spanId),
            AttributesJson = attributes.End(),
            SourceAddress = context.SourceAddress,
            SourceIndex = index,
        };
    }
}
