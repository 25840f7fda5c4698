using System.Globalization;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// Log lines that ingestion accepts and query engines choke on: messages that start with "{" but are not JSON
/// (truncated at every point, unbalanced, deep), valid JSON with nested objects, arrays, dotted keys and numbers as
/// strings, broken and odd logfmt, unicode (combining marks, right-to-left text, emoji, control characters other than
/// NUL), very long values; attributes with the same shapes. Deterministic for a seed.
/// </summary>
public static class HostileLogLines
{
    private static readonly string[] ValidJson =
    [
        "{\"user\":{\"plan\":\"pro\"},\"status\":500,\"duration\":\"1.5s\",\"bytes\":\"10KB\"}",
        "{\"user.plan\":\"free\",\"status\":\"503\",\"duration\":0.25,\"bytes\":12345}",
        "{\"status\":\"5xx\",\"duration\":\"soon\",\"bytes\":\"huge\",\"msg\":\"timeout talking to db\"}",
        "{\"a\":[1,2,{\"b\":3}],\"user\":{\"plan\":[\"x\",{\"y\":null}]},\"http\":{\"status\":404,\"route\":\"/a/b\"}}",
        "{}", "{\"user\":\"not an object\"}", "{\"user\":{\"plan\":1.5e300}}", "{\"user\":{\"plan\":null}}",
        "{\"é\":\"ü\",\"emoji\":\"😀👩‍💻\",\"rtl\":\"שלום \u202eabc\",\"comb\":\"e\u0301\u0301\u0301\",\"zw\":\"a\u200bb\"}",
        "{\"deep\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}",
        "{\"num\":123456789012345678901234567890,\"neg\":-0,\"exp\":1E-400,\"status\":\"500\"}",
        "{\"status\":200,\"duration\":\"99999999999999999999999h\",\"size\":\"1.5 GB\",\"user_id\":\"42\"}",
        "{\"ctl\":\"\\u0001\\u001f\\t\\n\",\"q\":\"\\\"quoted\\\"\",\"slash\":\"\\/\",\"~\":1,\"/\":2,\"\":3}",
        "{\"status\":1,\"status\":2}",
        "{\"a.b\":{\"c\":\"flat-then-nested\"},\"a\":{\"b\":{\"c\":\"nested\"}},\"a.b.c\":\"flat\"}",
    ];

    private static readonly string[] Broken =
    [
        "{", "{{", "{}}", "{not json", "{\"a\":1", "{\"a\":1,}", "{'a':1}", "{a:1}", "{\"a\":1} trailing", "{\"a\":NaN}",
        "{\"a\":Infinity}", "{\"a\":1 /*c*/}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\\ud800\"}",
        "{\"user\":{\"plan\":\"pro\"}", "{\"user\":{\"plan\"", "{\"user.plan\":", "{\"user\"", "{\"a\":0x10}", "{\"a\":01}", "{\"a\":.5}",
        "{\"a\":+1}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}", "{ this is not json }", "{\u0301}", "{😀",
        "{\"a\":\"" + new string('\\', 999) + "\"}", "{\"a\":" + new string('-', 100) + "}", "{\"" + new string('k', 5000),
    ];

    private static readonly string[] Logfmt =
    [
        "level=info msg=\"slow request\" user.plan=pro status=500 duration=1.5s bytes=10KB",
        "a=\"unterminated", "=x", "key=", "k=v=w", "\"quoted key\"=v", "status=5xx duration=soon", "user.plan=\"pro plan\" user.plan=free",
        "msg=\"escaped \\\" quote\" status=\"503\"", "é=ü 😀=1 rtl=שלום", "duration=1m30s size=\"2 MiB\" n=-0",
    ];

    private static readonly string[] Text =
    [
        "plain text", "GET /health 200", "deadlock detected TIMEOUT", "e\u0301\u0301 combining", "שלום עולם", "مرحبا بالعالم", "😀🔥👩‍💻",
        "ctl \u0001\u0002\u001f\u007f", "tab\there", "line\nbreak\r\n", "\u202eright-to-left override", "zero\u200bwidth", "日本語のログ",
        "' OR 1=1 --", "$org $from $1", "%s %d %n", "\\u0000 written out", "{ not json but braces }",
    ];

    private static readonly string[] Services = ["api", "web", "db", "checkout", "x.y", "a_b", "svc-1"];

    private static readonly string[] Levels = ["info", "error", "warn", "debug", "fatal", "trace", "warning"];

    /// <summary>Batches of lines (at most 1000 each) with times spread over [from, to).</summary>
    public static List<object[]> Batches(int seed, int lines, int perBatch, DateTime from, DateTime to)
    {
        var random = new Random(seed);
        var all = new List<object>(lines);
        for (int i = 0; i < lines; i++)
        {
            var ts = from.AddTicks((long)((to - from).Ticks * (i / (double)lines)));
            var line = new Dictionary<string, object?>
            {
                ["timestamp"] = ts.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                ["service"] = Services[random.Next(Services.Length)],
                ["level"] = Levels[random.Next(Levels.Length)],
                ["message"] = WithoutLoneSurrogates(Message(random)),
                ["attributes"] = Attributes(random),
                ["trace_id"] = random.Next(3) == 0 ? null : Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())),
            };
            if (random.Next(3) != 0)
            {
                line["host"] = "h" + random.Next(5).ToString(CultureInfo.InvariantCulture);
            }

            all.Add(line.Where(kv => kv.Value is not null).ToDictionary());
        }

        return all.Chunk(perBatch).ToList();
    }

    private static string Message(Random random)
    {
        switch (random.Next(10))
        {
            case 0 or 1:
                return ValidJson[random.Next(ValidJson.Length)];
            case 2 or 3:
                return Broken[random.Next(Broken.Length)];
            case 4:
                // A valid document cut short at any point: the commonest malformed JSON in real logs.
                string whole = ValidJson[random.Next(ValidJson.Length)];
                return whole[..random.Next(1, whole.Length)];
            case 5:
                return Logfmt[random.Next(Logfmt.Length)];
            case 6:
                return Text[random.Next(Text.Length)];
            case 7 when random.Next(3) == 0:
                // Very long values, inside JSON and out.
                return random.Next(2) == 0
                    ? "{\"status\":500,\"big\":\"" + new string('x', random.Next(1000, 60_000)) + "\",\"user\":{\"plan\":\"pro\"}}"
                    : "{" + new string('y', random.Next(1000, 60_000));
            case 7:
                return Text[random.Next(Text.Length)] + " " + Logfmt[random.Next(Logfmt.Length)];
            default:
                // A mutated valid document: one character removed, added or replaced.
                var chars = ValidJson[random.Next(ValidJson.Length)].ToCharArray().ToList();
                int at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, "{}[]\",:\\ \u0001a1.-eE\u0301"[random.Next(16)]); break;
                    default: chars[at] = "{}[]\",:\\ "[random.Next(9)]; break;
                }

                return new string(chars.ToArray());
        }
    }

    // Ingestion refuses lone surrogates (they cannot be stored as UTF-8); a cut or mutation may split an emoji.
    private static string WithoutLoneSurrogates(string text)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                kept.Append(text[i]).Append(text[++i]);
            }
            else if (!char.IsSurrogate(text[i]))
            {
                kept.Append(text[i]);
            }
        }

        return kept.ToString();
    }

    private static Dictionary<string, object?> Attributes(Random random) => random.Next(6) switch
    {
        0 => [],
        1 => new() { ["region"] = "eu", ["user.plan"] = "attr-flat", ["http.route"] = "/a" },
        2 => new() { ["user"] = new Dictionary<string, object?> { ["plan"] = "attr-nested", ["tier"] = new[] { 1, 2 } }, ["status"] = "404" },
        3 => new() { ["status"] = 500, ["duration"] = "250ms", ["bytes"] = "2MiB", ["big"] = 1e300, ["neg"] = -1.5 },
        4 => new() { ["é"] = "😀", ["rtl"] = "שלום", ["~/"] = "odd key", ["a.b.c"] = new[] { "x", "y" }, ["n"] = null },
        _ => new() { ["long"] = new string('z', random.Next(10, 20_000)), ["comb"] = "e\u0301", ["ctl"] = "\u0001\u001f" },
    };
}
