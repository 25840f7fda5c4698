using System.Text.Json;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// One exposed series and where its samples are stored: the metric name and sorted labels (the identity), the canonical
/// key that identity is stored under, and the stored row (name + labels JSON) it is read from. A histogram row is
/// stored once and exposes several series (<c>x_bucket{le=…}</c>, <c>x_sum</c>, <c>x_count</c>).
/// </summary>
internal sealed record MetricSeriesIdentity(string Key, IReadOnlyList<MetricLabel> Labels, string Metric, string Type, string SourceName, string SourceLabels)
{
    public const string NameLabel = "__name__";

    /// <summary>The canonical form: a JSON array name, value, name, value… with labels sorted by name (ordinal).</summary>
    public static string KeyOf(IReadOnlyList<MetricLabel> sorted)
    {
        var flat = new string[sorted.Count * 2];
        for (int i = 0; i < sorted.Count; i++)
        {
            flat[2 * i] = sorted[i].Name;
            flat[(2 * i) + 1] = sorted[i].Value;
        }

        return JsonSerializer.Serialize(flat);
    }

    /// <summary>Labels back from a canonical key.</summary>
    public static List<MetricLabel> LabelsOfKey(string key)
    {
        var flat = JsonSerializer.Deserialize<string[]>(key) ?? [];
        var labels = new List<MetricLabel>(flat.Length / 2);
        for (int i = 0; i + 1 < flat.Length; i += 2)
        {
            labels.Add(new MetricLabel(flat[i], flat[i + 1]));
        }

        return labels;
    }

    /// <summary>A series' labels: the stored labels (empty values dropped, as Prometheus treats them as absent) and the name.</summary>
    public static List<MetricLabel> Build(string metric, IReadOnlyDictionary<string, string> stored, string? le = null)
    {
        var labels = new List<MetricLabel>(stored.Count + 2) { new(NameLabel, metric) };
        foreach (var (name, value) in stored)
        {
            if (value.Length > 0 && name != NameLabel && !(le is not null && name == "le"))
            {
                labels.Add(new MetricLabel(name, value));
            }
        }

        if (le is not null)
        {
            labels.Add(new MetricLabel("le", le));
        }

        labels.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return labels;
    }

    /// <summary>The stored labels JSON (an object of strings) as a dictionary.</summary>
    public static Dictionary<string, string> ParseStored(string json)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return labels;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return labels;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            labels[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return labels;
    }

    /// <summary>Compares two sorted label lists the way Prometheus orders series (name, then value, ordinal).</summary>
    public static int Compare(IReadOnlyList<MetricLabel> a, IReadOnlyList<MetricLabel> b)
    {
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            int byName = string.CompareOrdinal(a[i].Name, b[i].Name);
            if (byName != 0)
            {
                return byName;
            }

            int byValue = string.CompareOrdinal(a[i].Value, b[i].Value);
            if (byValue != 0)
            {
                return byValue;
            }
        }

        return a.Count.CompareTo(b.Count);
    }
}
