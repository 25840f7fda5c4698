using System.Globalization;
using System.Text;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// Random VALID LogQL-lite queries, following the grammar of docs/logql.md and <c>LogQlParser</c>: selectors with all
/// four matchers, line filters (also regular expressions and case-insensitive ones), <c>| json</c> and <c>| logfmt</c>,
/// label filters over numbers, durations, byte sizes and strings with and/or/parentheses, dotted and odd names, every
/// range function and aggregation with by/without, nested. Values lean on what breaks engines: unicode (combining
/// marks, right-to-left text, emoji), escapes that make NUL or a lone surrogate, quotes, very long text, huge numbers.
/// One generator per query, seeded with (seed, index), so a failing query can be made again on its own.
/// </summary>
public sealed class LogQlQueryGenerator(int seed, int index)
{
    private static readonly string[] Columns = ["service", "level", "host", "trace_id", "span_id"];

    private static readonly string[] Fields =
    [
        "status", "duration", "bytes", "size", "user_id", "msg", "region", "env", "http.route", "http.status", "user.plan",
        "user.plan.tier", "a.b.c", "nested.deep.x", "_", "_x", "x_1", "a..b", "a.", "b._", "json", "logfmt", "by", "without",
        "sum", "rate", "count_over_time", "i", "level.name", "service.name", "org_id", "ts", "message", "attributes",
        "A_VERY_" + new string('x', 200),
    ];

    private static readonly string[] Texts =
    [
        "", "api", "pro", "free", "500", "5xx", "timeout", "TIMEOUT", "é", "e\u0301", "שלום", "مرحبا", "😀", "👩‍💻", "\u202e", "\u200b",
        "\t", "\n", "\"", "\\", "{", "}", "{\"", "'", "%", "_", "$1", "$org", "' OR 1=1 --", "a=b", "user.plan=pro", "\u0001", "null", "[]",
        "ok", "level=error", "1.5s", "10KB", "-1", "0", "NaN", "Infinity", "\\u0000", "日本語",
    ];

    private static readonly string[] Patterns =
    [
        ".*", ".+", "a|b", "api|web", "error|warn", "(?i)timeout", "\\d+", "[0-9]{3}", "^\\{", "\\}$", "\\p{L}+", "\\p{Han}",
        "(a+)+", "x{0,1000}", "(?s).", "[^\"]*", "é|😀", "\\buser\\b", "", "(?i)ÉLAN", "a{1000}", "(?P<name>x)", "\\Q.*\\E",
        "[[:alpha:]]+", "\\x{1F600}", "(?i)e\u0301", "[\\x00-\\x1f]", "^$", "(a{1000}){1000}", "\\\\", "\"", "u(s)?er\\.plan",
        "[a-z]+=[^ ]+", "(?m)^x", "\\pN", "5\\d\\d",
    ];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "500", "499", "0.25", ".5", "-0", "99999999999999999999", "123456789.123456789", "1000000", "-273.15",
    ];

    private static readonly string[] Durations =
    [
        "0s", "1ns", "1us", "1µs", "1ms", "250ms", "1.5s", "1m30s", "1h", "7d", "1w", "1y", "100000d", "0.000001s", "1h2m3s4ms",
    ];

    private static readonly string[] Sizes = ["0B", "1B", "1KB", "10KB", "2MiB", "1.5GB", "3TiB", "1PB", "999999PiB", "1kib", "1mb"];

    private static readonly string[] Ranges =
    [
        "1s", "30s", "1m", "5m", "1h", "1d", "30d", "1y", "1000y", "100000y", "1ms", "1us", "1ns", "7m13s", "0.5s", "1h30m",
    ];

    private static readonly string[] RangeFunctions = ["count_over_time", "rate", "bytes_over_time", "bytes_rate"];

    private static readonly string[] Aggregations = ["sum", "avg", "min", "max", "count", "topk", "bottomk"];

    private readonly Random random = new(unchecked((seed * 7919) + index));

    /// <summary>A log query or a metric query (about one in three).</summary>
    public string Query() => random.Next(3) == 0 ? Metric(depth: 0) : LogQuery();

    /// <summary>Picks one of <paramref name="items"/>.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A random whole number in [min, max).</summary>
    public int Next(int min, int max) => random.Next(min, max);

    private string LogQuery()
    {
        var text = new StringBuilder("{");
        int matchers = random.Next(5);
        for (int i = 0; i < matchers; i++)
        {
            text.Append(i == 0 ? "" : Pick([",", ", ", " ,\n"])).Append(Matcher());
        }

        if (matchers > 0 && random.Next(6) == 0)
        {
            text.Append(',');
        }

        text.Append('}');
        int stages = random.Next(6);
        for (int i = 0; i < stages; i++)
        {
            text.Append(Gap()).Append(random.Next(4) switch
            {
                0 => LineFilter(),
                1 => "| json",
                2 => "| logfmt",
                _ => "| " + LabelFilter(depth: 0),
            });
        }

        return text.ToString();
    }

    private string Matcher()
    {
        string name = random.Next(2) == 0 ? Pick(Columns) : Pick(Fields.Concat(["and", "or"]).ToArray());
        return random.Next(4) switch
        {
            0 => $"{name}={Quote(Text())}",
            1 => $"{name} != {Quote(Text())}",
            2 => $"{name}=~{Quote(Pick(Patterns))}",
            _ => $"{name} !~ {Quote(Pick(Patterns))}",
        };
    }

    private string LineFilter()
    {
        string op = Pick(["|=", "!=", "|~", "!~"]);
        string value = op is "|~" or "!~" ? Pick(Patterns) : Text();
        string quoted = Quote(value);
        return random.Next(4) == 0 ? $"{op} i{quoted}" : $"{op} {quoted}";
    }

    private string LabelFilter(int depth)
    {
        if (depth < 3 && random.Next(4) == 0)
        {
            string inner = LabelFilter(depth + 1);
            return random.Next(3) switch
            {
                0 => $"({inner})",
                1 => $"{inner} or {Comparison()}",
                _ => $"({inner}) and {Comparison()}",
            };
        }

        var text = new StringBuilder(Comparison());
        int more = random.Next(3);
        for (int i = 0; i < more; i++)
        {
            text.Append(Pick([" and ", ", ", " ", " or "])).Append(Comparison());
        }

        return text.ToString();
    }

    private string Comparison()
    {
        string name = Pick(Fields.Concat(Columns).ToArray());
        return random.Next(5) switch
        {
            0 => $"{name} {Pick(["=", "==", "!="])} {Quote(Text())}",
            1 => $"{name} {Pick(["=~", "!~"])} {Quote(Pick(Patterns))}",
            2 => $"{name} {NumericOp()} {Pick(Numbers)}",
            3 => $"{name} {NumericOp()} {Pick(Durations)}",
            _ => $"{name} {NumericOp()} {Pick(Sizes)}",
        };
    }

    private string NumericOp() => Pick([">", ">=", "<", "<=", "=", "==", "!="]);

    private string Metric(int depth)
    {
        if (depth >= 3 || random.Next(3) == 0)
        {
            return $"{Pick(RangeFunctions)}({LogQuery()}{Gap()}[{Pick(Ranges)}])";
        }

        string op = Pick(Aggregations);
        string k = op is "topk" or "bottomk" ? Pick(["1", "2", "5", "10000"]) + ", " : "";
        string grouping = Grouping();
        return random.Next(3) switch
        {
            0 => $"{op}({k}{Metric(depth + 1)})",
            1 => $"{op} {grouping} ({k}{Metric(depth + 1)})",
            _ => $"{op}({k}{Metric(depth + 1)}) {grouping}",
        };
    }

    private string Grouping()
    {
        int count = random.Next(4);
        var names = Enumerable.Range(0, count).Select(_ => random.Next(3) == 0 ? Pick(Columns) : Pick(Fields.Concat(["and", "or"]).ToArray()));
        return $"{Pick(["by", "without"])} ({string.Join(Pick([", ", ","]), names)})";
    }

    private string Text() => random.Next(8) switch
    {
        0 => new string(Pick(['x', 'é', '{', '"']), random.Next(1, 1500)),
        1 => Pick(Texts) + Pick(Texts),
        _ => Pick(Texts),
    };

    private string Gap() => Pick([" ", " ", "", "\n", "\t ", "  "]);

    /// <summary>
    /// A LogQL string literal holding <paramref name="value"/>: a Go string with escapes (a "\u0000" in the value becomes
    /// a \u escape of a character, sometimes a surrogate pair), or a raw backtick string.
    /// </summary>
    private string Quote(string value)
    {
        if (random.Next(4) == 0 && !value.Contains('`', StringComparison.Ordinal) && !value.Contains("\\u0000", StringComparison.Ordinal))
        {
            return "`" + value + "`";
        }

        var text = new StringBuilder("\"");
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\\' && value.AsSpan(i).StartsWith("\\u0000"))
            {
                text.Append(Pick(["\\u00e9", "\\ud83d\\ude00", "\\u0041", "\\u202e", "\\u0301"]));
                i += 5;
                continue;
            }

            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => random.Next(2) == 0 ? "\\t" : "\t",
                '\r' => "\\r",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }
}
