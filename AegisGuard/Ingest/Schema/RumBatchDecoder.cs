using System.Text.Json;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// <c>POST /v1/rum</c>: <c>{"events":[{"type","timestamp","session_id","application","url","vital_name","vital_value",
/// "error_message","error_stack","action_name","duration_ms","user_agent","attributes"}]}</c>.
/// Which fields are required depends on the type (vital: vital_name + vital_value; error: error_message; action: action_name).
/// </summary>
public sealed class RumBatchDecoder : BatchDecoder<RumEvent>
{
    private static readonly FieldNames Fields = new("type", "timestamp", "session_id", "application", "url", "vital_name", "vital_value", "error_message", "error_stack", "action_name", "duration_ms", "user_agent", "attributes");

    private static readonly string[] Types = ["view", "vital", "error", "action", "resource"];

    private protected override FieldNames KnownFields => Fields;

    public override Signal Signal => Signal.Rum;

    public override string ItemsProperty => "events";

    public override int MaxItems => 1000;

    protected override RumEvent? DecodeItem(JsonElement item, int index, DecodeContext context, AttributeWriter attributes)
    {
        string? type = null, session = null, application = null, url = null, vitalName = null, errorMessage = null,
            errorStack = null, actionName = null, userAgent = null;
        double? vitalValue = null, durationMs = null;
        DateTime? timestamp = null;
        int errorsBefore = context.ErrorCount;
        foreach (var property in item.EnumerateObject())
        {
            switch (Fields.Match(property))
            {
                case "type":
                    type = FieldReader.String(property, index, context, 16)?.ToLowerInvariant();
                    if (type is not null && Array.IndexOf(Types, type) < 0)
                    {
                        context.Fail(index, property.Name, "must be view, vital, error, action or resource");
                    }

                    break;
                case "timestamp":
                    timestamp = FieldReader.Time(property, index, context);
                    break;
                case "session_id":
                    session = FieldReader.Identifier(property, index, context, 128);
                    break;
                case "application":
                    application = FieldReader.String(property, index, context, 256);
                    break;
                case "url":
                    url = FieldReader.String(property, index, context, 4096);
                    break;
                case "vital_name":
                    vitalName = FieldReader.String(property, index, context, 64, allowEmpty: false);
                    break;
                case "vital_value":
                    vitalValue = FieldReader.Number(property, index, context);
                    break;
                case "error_message":
                    errorMessage = FieldReader.String(property, index, context, 16 * 1024, allowEmpty: false);
                    break;
                case "error_stack":
                    errorStack = FieldReader.String(property, index, context, 64 * 1024);
                    break;
                case "action_name":
                    actionName = FieldReader.String(property, index, context, 1024, allowEmpty: false);
                    break;
                case "duration_ms":
                    durationMs = FieldReader.Duration(property, index, context);
                    break;
                case "user_agent":
                    userAgent = FieldReader.String(property, index, context, 1024);
                    break;
                case "attributes":
                    attributes.AddObject(property, index, context);
                    break;
                default:
                    attributes.Add(property, index, context);
                    break;
            }
        }

        if (context.ErrorCount == errorsBefore)
        {
            if (type is null)
            {
                context.Fail(index, "type", "is required (view, vital, error, action or resource)");
            }
            else if (session is null)
            {
                context.Fail(index, "session_id", "is required");
            }
            else if (type == "vital" && (vitalName is null || vitalValue is null))
            {
                context.Fail(index, vitalName is null ? "vital_name" : "vital_value", "is required for a vital event");
            }
            else if (type == "error" && errorMessage is null)
            {
                context.Fail(index, "error_message", "is required for an error event");
            }
            else if (type == "action" && actionName is null)
            {
                context.Fail(index, "action_name", "is required for an action event");
            }
        }

        if (context.ErrorCount != errorsBefore)
        {
            return null;
        }

        return new RumEvent
        {
            Timestamp = timestamp ?? context.ReceivedAt,
            Type = type!,
            SessionId = context.ScrubIdentifier(session!),
            Application = string.IsNullOrWhiteSpace(application) ? LogBatchDecoder.DefaultService : context.ScrubText(application),
            Url = context.ScrubText(url),
            VitalName = context.ScrubText(vitalName),
            VitalValue = vitalValue,
            ErrorMessage = context.ScrubText(errorMessage),
            ErrorStack = context.ScrubText(errorStack),
            ActionName = context.ScrubText(actionName),
            DurationMs = durationMs,
            UserAgent = context.ScrubText(userAgent),
            AttributesJson = attributes.End(),
            SourceAddress = context.SourceAddress,
            SourceIndex = index,
        };
    }
}
