using System.Text.Json;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// The single pass over a metric batch (see <see cref="BatchDecoder{TRow}.TryDecodeWhole"/>). A profile of 8 senders ×
/// 5000-item bodies put a third of the accept path's CPU in decoding, split evenly between the validator's pass, the
/// <see cref="JsonDocument"/> build and the walk over its elements; this pass replaces the last two with one
/// <see cref="Utf8JsonReader"/> walk. Names and label sets come from the per-thread caches (an agent repeats both with
/// every sample), so a batch of known series allocates little more than its rows. It gives up — returns null, having
/// recorded nothing — on anything the document path would explain or that it cannot be sure to read the same way:
/// an invalid value, an escaped name, upper-case types, a label set not decoded before.
/// </summary>
public sealed partial class MetricBatchDecoder
{
    internal override List<MetricPoint>? TryDecodeWhole(ReadOnlyMemory<byte> json, DecodeContext context)
    {
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = WireLimits.MaxBodyDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool items = reader.ValueTextEquals("metrics"u8);
            if (!reader.Read())
            {
                return null;
            }

            if (!items)
            {
                reader.Skip();
                continue;
            }

            return reader.TokenType == JsonTokenType.StartArray ? ReadItems(ref reader, json.Span, context) : null;
        }

        return null;
    }

    private List<MetricPoint>? ReadItems(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, DecodeContext context)
    {
        var rows = new List<MetricPoint>();
        var names = LabelSetCache.NamesFor(context.Scrubber);
        var labelSets = LabelSetCache.For(context.Scrubber);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || rows.Count == MaxItems)
            {
                return null;
            }

            var row = ReadItem(ref reader, json, rows.Count, context, names, labelSets);
            if (row is null)
            {
                return null;
            }

            rows.Add(row);
        }

        return reader.TokenType == JsonTokenType.EndArray ? rows : null;
    }

    /// <summary>One item, the reader on its StartObject; null for anything the document path must decide.</summary>
    private static MetricPoint? ReadItem(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int index, DecodeContext context,
        LabelSetCache names, LabelSetCache labelSets)
    {
        DateTime? timestamp = null;
        string? name = null, type = null, labels = "{}";
        double? value = null, sum = null, count = null;
        double[]? bounds = null;
        long[]? counts = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
            }

            string? field = Fields.Match(reader.ValueSpan);
            if (field is null || !reader.Read())
            {
                return null;
            }

            bool ok = field switch
            {
                "name" => ReadName(ref reader, context, names, out name),
                "type" => ReadType(ref reader, out type),
                "value" => ReadNumber(ref reader, out value),
                "sum" => ReadNumber(ref reader, out sum),
                "count" => ReadNumber(ref reader, out count) && count >= 0 && count == Math.Floor(count.Value) && count < TwoToThe63,
                "timestamp" => ReadTime(ref reader, context, out timestamp),
                "labels" => ReadLabels(ref reader, json, labelSets, out labels),
                "buckets" => ReadBuckets(ref reader, out bounds, out counts),
                _ => false,
            };
            if (!ok)
            {
                return null;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || name is null || type is null || labels is null)
        {
            return null;
        }

        if (type == "histogram")
        {
            return WholeHistogram(index, context, name, labels, timestamp, bounds, counts, sum, count);
        }

        if (value is null || (type == "counter" && value < 0))
        {
            return null;
        }

        return new MetricPoint
        {
            Timestamp = timestamp ?? context.ReceivedAt,
            Name = name,
            Type = type,
            Value = value.Value,
            LabelsJson = labels,
            SourceAddress = context.SourceAddress,
            SourceIndex = index,
        };
    }

    private static MetricPoint? WholeHistogram(int index, DecodeContext context, string name, string labels, DateTime? timestamp,
        double[]? bounds, long[]? counts, double? sum, double? count)
    {
        if (bounds is null || counts is null || bounds.Length == 0 || sum is null)
        {
            return null;
        }

        long total = (long)(count ?? counts[^1]);
        if (!double.IsPositiveInfinity(bounds[^1]))
        {
            // The document path appends the implied +Inf bucket holding the total.
            bounds = [.. bounds, double.PositiveInfinity];
            counts = [.. counts, total];
        }

        if (counts[^1] != total)
        {
            return null;
        }

        return HistogramPoint(index, context, name, labels, timestamp, sum.Value, total, bounds, counts);
    }

    /// <summary>The stored name (checked, dots made underscores, scrubbed), from the cache or made once and cached.</summary>
    private static bool ReadName(ref Utf8JsonReader reader, DecodeContext context, LabelSetCache names, out string? name)
    {
        name = null;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return false;
        }

        if (names.TryGet(reader.ValueSpan, out string? known))
        {
            name = known;
            return true;
        }

        string text = reader.GetString()!;
        if (text.Length is 0 or > 200 || text.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        string dotted = text.Replace('.', '_');
        if (!IsMetricName(dotted))
        {
            return false;
        }

        name = context.ScrubName(dotted)!;
        names.Add(reader.ValueSpan, name);
        return true;
    }

    /// <summary>Only the lower-case spellings: any other the document path lower-cases (and explains when wrong).</summary>
    private static bool ReadType(ref Utf8JsonReader reader, out string? type)
    {
        type = reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ? null
            : reader.ValueSpan.SequenceEqual("counter"u8) ? "counter"
            : reader.ValueSpan.SequenceEqual("gauge"u8) ? "gauge"
            : reader.ValueSpan.SequenceEqual("histogram"u8) ? "histogram"
            : null;
        return type is not null;
    }

    private static bool ReadNumber(ref Utf8JsonReader reader, out double? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            return false;
        }

        value = number;
        return true;
    }

    /// <summary>An epoch number or the common RFC 3339 form, inside the accepted window; anything else is left to the document path.</summary>
    private static bool ReadTime(ref Utf8JsonReader reader, DecodeContext context, out DateTime? timestamp)
    {
        timestamp = null;
        DateTime utc;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetDouble(out double number) || !EventTimestamp.TryFromEpoch(number, out utc, out _))
            {
                return false;
            }
        }
        else if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.ValueSpan.Length == 0 ||
                 !EventTimestamp.TryParseCommonRfc3339(reader.ValueSpan, out utc))
        {
            return false;
        }

        if (utc < context.OldestAllowed || utc > context.NewestAllowed)
        {
            return false;
        }

        timestamp = utc;
        return true;
    }

    /// <summary>A label object decoded before (same bytes, same scrubber), or null; a new one is left to the document path, which caches it.</summary>
    private static bool ReadLabels(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, LabelSetCache labelSets, out string? labels)
    {
        labels = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            labels = "{}";
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        var raw = json[start..(int)reader.BytesConsumed];
        if (!labelSets.TryGet(raw, out string? known))
        {
            return false;
        }

        labels = known;
        return true;
    }

    /// <summary>
    /// <c>[{"le","count"}, …]</c> with the document path's rules: le a number or "+Inf" (four spellings), strictly
    /// ascending; count a whole number ≥ 0, never decreasing; at most <see cref="MaxBuckets"/>.
    /// </summary>
    private static bool ReadBuckets(ref Utf8JsonReader reader, out double[]? bounds, out long[]? counts)
    {
        bounds = null;
        counts = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        Span<double> les = stackalloc double[MaxBuckets];
        Span<long> cumulative = stackalloc long[MaxBuckets];
        int n = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (n == MaxBuckets)
            {
                return false;
            }

            double? le = null;
            long? count = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                bool isLe = reader.ValueSpan.SequenceEqual("le"u8), isCount = reader.ValueSpan.SequenceEqual("count"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isLe)
                {
                    le = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double bound) ? bound
                        : reader.TokenType == JsonTokenType.String && IsInfinity(ref reader) ? double.PositiveInfinity
                        : null;
                    if (le is null)
                    {
                        return false;
                    }
                }
                else if (isCount)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long c) || c < 0)
                    {
                        return false;
                    }

                    count = c;
                }
                else
                {
                    // The document path reads le and count by name and ignores anything else.
                    reader.Skip();
                }
            }

            if (le is null || count is null || le <= (n > 0 ? les[n - 1] : double.NegativeInfinity) || count < (n > 0 ? cumulative[n - 1] : 0))
            {
                return false;
            }

            les[n] = le.Value;
            cumulative[n] = count.Value;
            n++;
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            return false;
        }

        bounds = les[..n].ToArray();
        counts = cumulative[..n].ToArray();
        return true;
    }

    // Compared unescaped: System.Text.Json's writer sends "+Inf" as "\u002BInf" by default, so a .NET client's every histogram
    // would otherwise leave its whole batch to the document path.
    private static bool IsInfinity(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("+Inf"u8) || reader.ValueTextEquals("Inf"u8) || reader.ValueTextEquals("inf"u8) || reader.ValueTextEquals("+inf"u8);
}
