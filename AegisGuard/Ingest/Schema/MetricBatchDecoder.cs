using System.Runtime.InteropServices;
using System.Text.Json;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// <c>POST /v1/metrics</c>: <c>{"metrics":[{"name","type","value","timestamp","labels"}]}</c>; histograms carry
/// <c>buckets:[{"le","count"}]</c> (cumulative), <c>sum</c> and <c>count</c> instead of <c>value</c>.
/// Names follow Prometheus rules; dots are turned into underscores (<c>http.requests</c> → <c>http_requests</c>).
/// </summary>
public sealed partial class MetricBatchDecoder : BatchDecoder<MetricPoint>
{
    private static readonly FieldNames Fields = new("name", "type", "value", "sum", "count", "timestamp", "labels", "buckets");

    public const int MaxLabels = 64;
    public const int MaxBuckets = 128;
    private static readonly string[] Types = ["gauge", "counter", "histogram"];

    // Every double below this converts to a long exactly (when whole); 2^63 itself does not fit.
    private const double TwoToThe63 = 9223372036854775808d;

    private protected override FieldNames KnownFields => Fields;

    public override Signal Signal => Signal.Metrics;

    public override string ItemsProperty => "metrics";

    public override int MaxItems => 5000;

    protected override MetricPoint? DecodeItem(JsonElement item, int index, DecodeContext context, AttributeWriter attributes)
    {
        DateTime? timestamp = null;
        string? name = null, type = null, labels = "{}";
        double? value = null, sum = null, count = null;
        List<(double Le, long Count)>? buckets = null;
        int errorsBefore = context.ErrorCount;
        foreach (var property in item.EnumerateObject())
        {
            switch (Fields.Match(property))
            {
                case "name":
                    name = FieldReader.String(property, index, context, 200, allowEmpty: false);
                    if (name is not null)
                    {
                        name = name.Replace('.', '_');
                        if (!IsMetricName(name))
                        {
                            context.Fail(index, property.Name, "must match [a-zA-Z_:][a-zA-Z0-9_:]* (dots are allowed and become underscores)");
                        }
                    }

                    break;
                case "type":
                    type = FieldReader.String(property, index, context, 16)?.ToLowerInvariant();
                    if (type is not null && Array.IndexOf(Types, type) < 0)
                    {
                        context.Fail(index, property.Name, "must be gauge, counter or histogram");
                    }

                    break;
                case "value":
                    value = FieldReader.Number(property, index, context);
                    break;
                case "sum":
                    sum = FieldReader.Number(property, index, context);
                    break;
                case "count":
                    count = FieldReader.Number(property, index, context);
                    if (count is < 0 || (count is not null && count != Math.Floor(count.Value)))
                    {
                        context.Fail(index, property.Name, "must be a whole number ≥ 0");
                    }
                    else if (count >= TwoToThe63)
                    {
                        context.Fail(index, property.Name, $"does not fit in a 64-bit integer (at most {WireLimits.MaxHistogramCount})");
                    }

                    break;
                case "timestamp":
                    timestamp = FieldReader.Time(property, index, context);
                    break;
                case "labels":
                    labels = ReadLabels(property, index, context);
                    break;
                case "buckets":
                    buckets = ReadBuckets(property, index, context);
                    break;
                default:
                    context.Fail(index, property.Name, "is not a metric field; known fields are name, type, value, timestamp, labels, buckets, sum, count");
                    break;
            }
        }

        if (name is null && context.ErrorCount == errorsBefore)
        {
            context.Fail(index, "name", "is required");
        }

        if (type is null && context.ErrorCount == errorsBefore)
        {
            context.Fail(index, "type", "is required (gauge, counter or histogram)");
        }

        if (context.ErrorCount != errorsBefore)
        {
            return null;
        }

        if (type == "histogram")
        {
            return Histogram(index, context, context.ScrubName(name!), labels!, timestamp, buckets, sum, count);
        }

        if (value is null)
        {
            context.Fail(index, "value", $"is required for a {type}");
            return null;
        }

        if (type == "counter" && value < 0)
        {
            context.Fail(index, "value", "a counter is cumulative and cannot be negative");
            return null;
        }

        return new MetricPoint
        {
            Timestamp = timestamp ?? context.ReceivedAt,
            Name = context.ScrubName(name!),
            Type = type!,
            Value = value.Value,
            LabelsJson = labels!,
            SourceAddress = context.SourceAddress,
            SourceIndex = index,
        };
    }

    private static MetricPoint? Histogram(int index, DecodeContext context, string name, string labels, DateTime? timestamp,
        List<(double Le, long Count)>? buckets, double? sum, double? count)
    {
        if (buckets is null || buckets.Count == 0)
        {
            context.Fail(index, "buckets", "is required for a histogram: [{\"le\":0.1,\"count\":3}, …, {\"le\":\"+Inf\",\"count\":10}]");
            return null;
        }

        if (sum is null)
        {
            context.Fail(index, "sum", "is required for a histogram");
            return null;
        }

        long total = (long)(count ?? buckets[^1].Count);
        if (!double.IsPositiveInfinity(buckets[^1].Le))
        {
            buckets.Add((double.PositiveInfinity, total));
        }

        if (buckets[^1].Count != total)
        {
            context.Fail(index, "count", $"must equal the +Inf bucket's count ({buckets[^1].Count})");
            return null;
        }

        return HistogramPoint(index, context, name, labels, timestamp, sum.Value, total,
            buckets.Select(b => b.Le).ToArray(), buckets.Select(b => b.Count).ToArray());
    }

    /// <summary>The row of a checked histogram; both decode paths make it here, so they cannot drift apart.</summary>
    private static MetricPoint HistogramPoint(int index, DecodeContext context, string name, string labels, DateTime? timestamp,
        double sum, long total, double[] bounds, long[] counts) => new()
    {
        Timestamp = timestamp ?? context.ReceivedAt,
        Name = name,
        Type = "histogram",
        Value = sum,
        Count = total,
        BucketBounds = bounds,
        BucketCounts = counts,
        LabelsJson = labels,
        SourceAddress = context.SourceAddress,
        SourceIndex = index,
    };

    private static string? ReadLabels(JsonProperty property, int index, DecodeContext context)
    {
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return "{}";
        }

        if (property.Value.ValueKind != JsonValueKind.Object)
        {
            context.Fail(index, property.Name, "must be an object of label names to values");
            return null;
        }

        // Every sample of a series repeats its label set: decode each distinct one once (see LabelSetCache).
        var raw = JsonMarshal.GetRawUtf8Value(property.Value);
        var cache = LabelSetCache.For(context.Scrubber);
        if (cache.TryGet(raw, out string? known))
        {
            return known;
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in property.Value.EnumerateObject())
        {
            string key = label.Name.Replace('.', '_');
            string path = $"labels.{label.Name}";
            if (!IsLabelName(key) || key.StartsWith("__", StringComparison.Ordinal))
            {
                context.Fail(index, path, "label names must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
                return null;
            }

            string? text = label.Value.ValueKind switch
            {
                JsonValueKind.String => label.Value.GetString(),
                JsonValueKind.Number => label.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (text is null || text.Length > 1024)
            {
                context.Fail(index, path, "label values must be strings, numbers or booleans of at most 1024 characters");
                return null;
            }

            if (sorted.ContainsKey(key))
            {
                // Exact duplicates are refused before decoding; these differ only by '.' and '_'.
                context.Fail(index, path, $"names the same label as another one: both become {key}");
                return null;
            }

            // The value is judged by the name as sent (a "password" label is a secret); the name is stored scrubbed,
            // made unique when two became the same marker.
            string value = context.ScrubValue(key, text);
            string scrubbedName = context.ScrubName(key);
            string stored = scrubbedName;
            for (int n = 2; !ReferenceEquals(scrubbedName, key) && sorted.ContainsKey(stored); n++)
            {
                stored = $"{scrubbedName}_{n}";
            }

            sorted[stored] = value;
        }

        if (sorted.Count > MaxLabels)
        {
            context.Fail(index, property.Name, $"a sample may carry at most {MaxLabels} labels");
            return null;
        }

        string json = JsonSerializer.Serialize(sorted, AegisGuard.Ingest.IngestJsonContext.Default.SortedDictionaryStringString);
        cache.Add(raw, json);
        return json;
    }

    private static List<(double, long)>? ReadBuckets(JsonProperty property, int index, DecodeContext context)
    {
        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() > MaxBuckets)
        {
            context.Fail(index, property.Name, $"must be an array of at most {MaxBuckets} {{\"le\",\"count\"}} objects");
            return null;
        }

        var buckets = new List<(double, long)>();
        double previousLe = double.NegativeInfinity;
        long previousCount = 0;
        int i = 0;
        foreach (var bucket in property.Value.EnumerateArray())
        {
            // Built only for an error: a histogram has a dozen buckets and most batches none.
            string Path() => $"buckets[{i}]";
            if (bucket.ValueKind != JsonValueKind.Object || !bucket.TryGetProperty("le", out var leElement) || !bucket.TryGetProperty("count", out var countElement))
            {
                context.Fail(index, Path(), "must be an object with \"le\" and \"count\"");
                return null;
            }

            double le;
            if (leElement.ValueKind == JsonValueKind.Number)
            {
                le = leElement.GetDouble();
            }
            else if (leElement.ValueKind == JsonValueKind.String && leElement.GetString() is "+Inf" or "Inf" or "inf" or "+inf")
            {
                le = double.PositiveInfinity;
            }
            else
            {
                context.Fail(index, Path() + ".le", "must be a number or \"+Inf\"");
                return null;
            }

            if (countElement.ValueKind != JsonValueKind.Number || !countElement.TryGetInt64(out long count) || count < 0)
            {
                context.Fail(index, Path() + ".count", "must be a whole number ≥ 0");
                return null;
            }

            if (le <= previousLe)
            {
                context.Fail(index, Path() + ".le", "bucket bounds must be strictly ascending");
                return null;
            }

            if (count < previousCount)
            {
                context.Fail(index, Path() + ".count", "bucket counts are cumulative and must not decrease");
                return null;
            }

            buckets.Add((le, count));
            previousLe = le;
            previousCount = count;
            i++;
        }

        return buckets;
    }

    private static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') &&
        name.AsSpan(1).IndexOfAnyExcept(MetricNameChars) < 0;

    private static bool IsLabelName(string name) =>
        name.Length is > 0 and <= 128 && (char.IsAsciiLetter(name[0]) || name[0] == '_') &&
        name.AsSpan(1).IndexOfAnyExcept(LabelNameChars) < 0;

    private static readonly System.Buffers.SearchValues<char> MetricNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");

    private static readonly System.Buffers.SearchValues<char> LabelNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}
