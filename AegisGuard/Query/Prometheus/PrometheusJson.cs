using System.Text.Encodings.Web;
using System.Text.Json;
using AegisGuard.Query.PromQl;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.Prometheus;

/// <summary>
/// Writes Prometheus' HTTP API JSON byte for byte as Prometheus does: <c>{"status":"success","data":…}</c>, sample values
/// as strings (Go's shortest 'f' formatting, "NaN", "+Inf"), timestamps as unix seconds with millisecond fractions.
/// </summary>
public static class PrometheusJson
{
    public const string ContentType = "application/json";

    // Prometheus (Go) escapes only what JSON requires; the default encoder would also write "+" as \u002B.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteErrorAsync(HttpResponse response, int status, string errorType, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = status;
        response.ContentType = ContentType;
        await using var writer = new Utf8JsonWriter(response.Body, Options);
        writer.WriteStartObject();
        writer.WriteString("status", "error");
        writer.WriteString("errorType", errorType);
        writer.WriteString("error", message);
        writer.WriteEndObject();
        await writer.FlushAsync();
    }

    public static async Task WriteSuccessAsync(HttpResponse response, Action<Utf8JsonWriter> writeData, IReadOnlyList<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(writeData);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        await using var writer = new Utf8JsonWriter(response.Body, Options);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WritePropertyName("data");
        writeData(writer);
        if (warnings is { Count: > 0 })
        {
            writer.WriteStartArray("warnings");
            foreach (string w in warnings)
            {
                writer.WriteStringValue(w);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        await writer.FlushAsync();
    }

    public static void WriteResult(Utf8JsonWriter writer, PromQlResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        writer.WriteString("resultType", result.Type switch
        {
            PromQlResultType.Scalar => "scalar",
            PromQlResultType.Text => "string",
            PromQlResultType.Vector => "vector",
            _ => "matrix",
        });
        writer.WritePropertyName("result");
        switch (result.Type)
        {
            case PromQlResultType.Scalar:
                WritePoint(writer, result.TimestampMs, PromQlFloat.Format(result.Scalar));
                break;
            case PromQlResultType.Text:
                WritePoint(writer, result.TimestampMs, result.Text);
                break;
            case PromQlResultType.Vector:
                writer.WriteStartArray();
                foreach (var s in result.Vector)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("metric");
                    WriteLabels(writer, s.Labels);
                    writer.WritePropertyName("value");
                    WritePoint(writer, s.TimestampMs, PromQlFloat.Format(s.Value));
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartArray();
                foreach (var s in result.Matrix)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("metric");
                    WriteLabels(writer, s.Labels);
                    writer.WriteStartArray("values");
                    for (int i = 0; i < s.TimestampsMs.Length; i++)
                    {
                        WritePoint(writer, s.TimestampsMs[i], PromQlFloat.Format(s.Values[i]));
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
        }

        writer.WriteEndObject();
    }

    public static void WriteLabels(Utf8JsonWriter writer, IReadOnlyList<MetricLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(labels);
        writer.WriteStartObject();
        foreach (var l in labels)
        {
            writer.WriteString(l.Name, l.Value);
        }

        writer.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter writer, long timestampMs, string value)
    {
        writer.WriteStartArray();
        writer.WriteRawValue(PromQlFloat.FormatTimestamp(timestampMs), skipInputValidation: true);
        writer.WriteStringValue(value);
        writer.WriteEndArray();
    }
}
