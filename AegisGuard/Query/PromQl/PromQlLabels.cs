using System.Text;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>Label-set operations with Prometheus' ordering (by name, then value, then length; ordinal).</summary>
internal static class PromQlLabels
{
    public const string MetricName = "__name__";

    public static readonly MetricLabel[] Empty = [];

    public static int Compare(MetricLabel[] a, MetricLabel[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            int c = string.CompareOrdinal(a[i].Name, b[i].Name);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(a[i].Value, b[i].Value);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    public static string Key(MetricLabel[] labels)
    {
        var sb = new StringBuilder();
        foreach (var l in labels)
        {
            sb.Append(l.Name).Append('\xff').Append(l.Value).Append('\xfe');
        }

        return sb.ToString();
    }

    public static string Get(MetricLabel[] labels, string name)
    {
        foreach (var l in labels)
        {
            if (l.Name == name)
            {
                return l.Value;
            }
        }

        return string.Empty;
    }

    public static MetricLabel[] DropName(MetricLabel[] labels) =>
        Array.Exists(labels, l => l.Name == MetricName) ? Array.FindAll(labels, l => l.Name != MetricName) : labels;

    public static MetricLabel[] Keep(MetricLabel[] labels, IReadOnlyCollection<string> names) =>
        Array.FindAll(labels, l => names.Contains(l.Name));

    public static MetricLabel[] Without(MetricLabel[] labels, IReadOnlyCollection<string> names) =>
        Array.FindAll(labels, l => !names.Contains(l.Name));

    /// <summary>Sets (or, with an empty value, removes) one label, keeping the order.</summary>
    public static MetricLabel[] Set(MetricLabel[] labels, string name, string value)
    {
        var list = new List<MetricLabel>(labels.Length + 1);
        bool done = false;
        foreach (var l in labels)
        {
            int c = string.CompareOrdinal(l.Name, name);
            if (c == 0)
            {
                if (value.Length > 0)
                {
                    list.Add(new MetricLabel(name, value));
                }

                done = true;
                continue;
            }

            if (c > 0 && !done)
            {
                if (value.Length > 0)
                {
                    list.Add(new MetricLabel(name, value));
                }

                done = true;
            }

            list.Add(l);
        }

        if (!done && value.Length > 0)
        {
            list.Add(new MetricLabel(name, value));
        }

        return [.. list];
    }

    /// <summary>The labels written as Prometheus prints them: <c>{a="1", b="2"}</c>.</summary>
    public static string Format(MetricLabel[] labels) =>
        "{" + string.Join(", ", labels.Select(l => $"{l.Name}=\"{l.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"")) + "}";
}
