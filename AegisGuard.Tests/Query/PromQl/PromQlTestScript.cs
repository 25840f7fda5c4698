using System.Globalization;
using System.Text;
using AegisGuard.Query.PromQl;
using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.Options;

namespace AegisGuard.Tests.Query.PromQl;

/// <summary>
/// Runs scripts in the style of Prometheus' promqltest: <c>load &lt;step&gt;</c> with series lines (<c>0+10x5</c>, <c>_</c>,
/// <c>stale</c>), <c>clear</c>, <c>eval instant at &lt;time&gt; &lt;expr&gt;</c> / <c>eval_ordered</c> / <c>eval_fail</c>
/// (optionally followed by <c>error &lt;text&gt;</c>) with expected <c>series value</c> lines, and
/// <c>eval range from &lt;t&gt; to &lt;t&gt; step &lt;d&gt; &lt;expr&gt;</c> with one value (or <c>_</c>) per step.
/// </summary>
public static class PromQlTestScript
{
    public const int OrgId = 1;

    /// <summary>Runs the script at <paramref name="path"/>; <paramref name="useRollups"/> false forces raw samples everywhere.</summary>
    public static async Task RunAsync(string path, bool useRollups = true)
    {
        var store = new InMemoryMetricStore();
        var engine = new PromQlEngine(store, Options.Create(new PromQlOptions { UseRollups = useRollups }));
        string[] lines = File.ReadAllLines(path);
        var failures = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line == "clear")
            {
                store.Clear();
                continue;
            }

            var body = new List<string>();
            int header = i;
            while (i + 1 < lines.Length && lines[i + 1].Length > 0 && char.IsWhiteSpace(lines[i + 1][0]) && lines[i + 1].Trim().Length > 0)
            {
                string b = lines[++i].Trim();
                if (!b.StartsWith('#'))
                {
                    body.Add(b);
                }
            }

            string where = $"{Path.GetFileName(path)}:{header + 1}: {line}";
            try
            {
                if (line.StartsWith("load ", StringComparison.Ordinal))
                {
                    Load(store, Duration(line[5..].Trim()), body);
                }
                else if (line.StartsWith("eval", StringComparison.Ordinal))
                {
                    string? problem = await EvalAsync(engine, line, body);
                    if (problem is not null)
                    {
                        failures.Add($"{where}\n    {problem}");
                    }
                }
                else
                {
                    failures.Add($"{where}\n    unknown command");
                }
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                failures.Add($"{where}\n    bad script: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Load(InMemoryMetricStore store, long stepMs, List<string> body)
    {
        foreach (string line in body)
        {
            var (labels, rest) = ParseSeries(line);
            var samples = new List<(long, double)>();
            long index = 0;
            foreach (string token in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (var v in Expand(token))
                {
                    if (v is { } value)
                    {
                        samples.Add((index * stepMs, value));
                    }

                    index++;
                }
            }

            store.Add(OrgId, labels, samples);
        }
    }

    /// <summary><c>a+bxn</c> → a, a+b, …, a+n·b (n+1 values); <c>axn</c> → a repeated; <c>_xn</c> → n gaps; <c>stale</c>.</summary>
    private static IEnumerable<double?> Expand(string token)
    {
        if (token == "_")
        {
            return [null];
        }

        if (token == "stale")
        {
            return [BitConverter.Int64BitsToDouble(0x7ff0000000000002)];
        }

        int x = token.LastIndexOf('x');
        if (x < 0 || token.StartsWith("0x", StringComparison.Ordinal))
        {
            return [Number(token)];
        }

        int times = int.Parse(token[(x + 1)..], CultureInfo.InvariantCulture);
        string start = token[..x];
        if (start == "_")
        {
            return Enumerable.Repeat<double?>(null, times);
        }

        int op = start.IndexOfAny(['+', '-'], 1);
        while (op > 0 && (start[op - 1] is 'e' or 'E'))
        {
            op = start.IndexOfAny(['+', '-'], op + 1);
        }

        double a = Number(op > 0 ? start[..op] : start);
        double b = op > 0 ? Number(start[op..]) : 0;
        return Enumerable.Range(0, times + 1).Select(k => (double?)(a + (k * b)));
    }

    private static double Number(string text)
    {
        string t = text.Trim();
        bool negative = t.StartsWith('-');
        string u = t.TrimStart('+', '-');
        double v = u.ToLowerInvariant() switch
        {
            "inf" => double.PositiveInfinity,
            "nan" => double.NaN,
            _ => PromQlLexer.TryParseNumber(u, out double n) ? n : throw new FormatException($"not a number: {text}"),
        };
        return negative ? -v : v;
    }

    private static long Duration(string text)
    {
        if (PromQlLexer.TryParseDuration(text, out long ms))
        {
            return ms;
        }

        return (long)(double.Parse(text, CultureInfo.InvariantCulture) * 1000);
    }

    /// <summary>Splits <c>name{a="b"} rest</c> into labels and the rest.</summary>
    internal static (List<KeyValuePair<string, string>> Labels, string Remainder) ParseSeries(string line)
    {
        var labels = new List<KeyValuePair<string, string>>();
        int i = 0;
        int nameEnd = 0;
        while (nameEnd < line.Length && (char.IsAsciiLetterOrDigit(line[nameEnd]) || line[nameEnd] is '_' or ':'))
        {
            nameEnd++;
        }

        if (nameEnd > 0)
        {
            labels.Add(new("__name__", line[..nameEnd]));
        }

        i = nameEnd;
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                while (line[i] is ' ' or ',')
                {
                    i++;
                }

                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                int eq = line.IndexOf('=', i);
                string name = line[i..eq].Trim();
                i = eq + 1;
                while (line[i] == ' ')
                {
                    i++;
                }

                var value = new StringBuilder();
                i++; // opening quote
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                    }

                    value.Append(line[i++]);
                }

                i++;
                labels.Add(new(name, value.ToString()));
            }
        }

        return (labels, line[i..].Trim());
    }

    private static async Task<string?> EvalAsync(PromQlEngine engine, string line, List<string> body)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string command = words[0];
        bool ordered = command == "eval_ordered";
        bool fail = command == "eval_fail";
        PromQlResult result;
        string query;
        int stepCount = 0;
        try
        {
            if (words[1] == "instant")
            {
                // eval instant at <t> <expr>
                long at = Duration(words[3]);
                query = string.Join(' ', words.Skip(4));
                result = await engine.InstantAsync(OrgId, query, at, CancellationToken.None);
            }
            else
            {
                // eval range from <t> to <t> step <d> <expr>
                long from = Duration(words[3]), to = Duration(words[5]), step = Duration(words[7]);
                query = string.Join(' ', words.Skip(8));
                stepCount = (int)((to - from) / step) + 1;
                result = await engine.RangeAsync(OrgId, query, from, to, step, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is PromQlSyntaxException or PromQlExecutionException or MetricQueryLimitException)
        {
            if (!fail)
            {
                return $"unexpected error: {e.Message}";
            }

            string? wanted = body.FirstOrDefault(b => b.StartsWith("error ", StringComparison.Ordinal))?[6..];
            return wanted is null || e.Message.Contains(wanted, StringComparison.Ordinal) ? null : $"error \"{e.Message}\" does not contain \"{wanted}\"";
        }

        if (fail)
        {
            return "expected an error, the query succeeded";
        }

        var expected = body.Select(ParseExpected).ToList();
        var actual = new List<(string Labels, double?[] Values)>();
        switch (result.Type)
        {
            case PromQlResultType.Scalar:
                actual.Add(("", [result.Scalar]));
                break;
            case PromQlResultType.Vector:
                actual.AddRange(result.Vector.Select(s => (Format(s.Labels), new double?[] { s.Value })));
                break;
            case PromQlResultType.Matrix when words[1] == "range":
                long start = Duration(words[3]), step2 = Duration(words[7]);
                foreach (var s in result.Matrix)
                {
                    var values = new double?[stepCount];
                    for (int k = 0; k < s.TimestampsMs.Length; k++)
                    {
                        values[(s.TimestampsMs[k] - start) / step2] = s.Values[k];
                    }

                    actual.Add((Format(s.Labels), values));
                }

                break;
            case PromQlResultType.Matrix:
                actual.AddRange(result.Matrix.Select(s => (Format(s.Labels), s.Values.Select(v => (double?)v).ToArray())));
                break;
            default:
                actual.Add(("\"" + result.Text + "\"", []));
                break;
        }

        string Describe() => "got:\n" + string.Join("\n", actual.Select(a => $"      {a.Labels} {string.Join(' ', a.Values.Select(V))}"));
        if (expected.Count != actual.Count)
        {
            return $"expected {expected.Count} series, {Describe()}";
        }

        for (int k = 0; k < expected.Count; k++)
        {
            var e = expected[k];
            int index = ordered ? k : actual.FindIndex(a => a.Labels == e.Labels);
            if (index < 0 || actual[index].Labels != e.Labels)
            {
                return $"expected series {e.Labels} (at position {k}), {Describe()}";
            }

            var got = actual[index].Values;
            if (e.Values.Length != got.Length || e.Values.Zip(got).Any(p => !AlmostEqual(p.First, p.Second)))
            {
                return $"series {e.Labels}: expected {string.Join(' ', e.Values.Select(V))}, {Describe()}";
            }
        }

        return null;
    }

    private static string V(double? v) => v is { } d ? PromQlFloat.Format(d) : "_";

    private static (string Labels, double?[] Values) ParseExpected(string line)
    {
        if (line.StartsWith('"'))
        {
            return (line, []);
        }

        if (char.IsAsciiDigit(line[0]) || line[0] is '-' or '+' || line.StartsWith("NaN", StringComparison.Ordinal) || line.StartsWith("Inf", StringComparison.Ordinal))
        {
            return ("", [Number(line)]);
        }

        var (labels, rest) = ParseSeries(line);
        var values = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(Expand).ToArray();
        return (Format([.. labels.Where(l => l.Value.Length > 0).Select(l => new MetricLabel(l.Key, l.Value)).OrderBy(l => l.Name, StringComparer.Ordinal)]), values);
    }

    private static string Format(IReadOnlyList<MetricLabel> labels) => "{" + string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";

    /// <summary>promqltest's comparison: equal, both NaN, or within a relative 1e-6.</summary>
    private static bool AlmostEqual(double? a, double? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        double x = a.Value, y = b.Value;
        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return double.IsNaN(x) && double.IsNaN(y);
        }

        if (x == y)
        {
            return true;
        }

        double diff = Math.Abs(x - y);
        const double minNormal = 2.2250738585072014e-308;
        return x == 0 || y == 0 || diff < minNormal ? diff < 1e-6 * minNormal : diff / (Math.Abs(x) + Math.Abs(y)) < 1e-6;
    }
}
