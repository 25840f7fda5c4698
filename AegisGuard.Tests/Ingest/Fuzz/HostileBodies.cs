using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace AegisGuard.Tests.Ingest.Fuzz;

/// <summary>
/// Generates hostile ingestion requests from one seed: valid batches of all four signals, mutated the way attackers
/// and broken agents do — invalid UTF-8 bytes next to <c>@</c>, digits and quotes; lone surrogate escapes in values
/// and nested keys; duplicate keys; numbers that overflow or underflow; deep nesting; huge strings, arrays and
/// objects; wrong types and nulls; valid but unusual unicode (NUL, controls, BOM, emoji); truncated JSON, trailing
/// garbage, a leading BOM; gzip of any of that (also truncated); a charset other than UTF-8. Most bodies carry one
/// or two mutations among valid fields, so some are still valid and are accepted.
/// </summary>
public sealed class HostileBodies(int seed)
{
    private static readonly string[] Endpoints = ["/v1/logs", "/v1/metrics", "/v1/traces", "/v1/rum"];
    private static readonly string[] ItemsProperties = ["logs", "metrics", "spans", "events"];

    private static readonly string[] LoneSurrogates =
        [@"\ud800", @"\udc00", @"ab\ud800cd", @"\ud800\u0041", @"\udfff\ud800", @"x\uDBFF", @"\uD800\uD800\uDC00x\uDC00", @"user\ud83d@example.com", @"42\udc00"];

    private static readonly byte[][] InvalidUtf8 =
        [[0xFF], [0xFE], [0xC3], [0x80], [0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xC0, 0xAF], [0xC1, 0x81], [0xE0, 0x80, 0xAF],
         [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xE2, 0x82]];

    private static readonly string[] Neighbours = ["@", "1", "42", "user@", "@example.com", "0.5", "", "\\\"", "a"];

    private static readonly string[] Numbers =
        ["1e400", "-1e999", "1e-400", "-1e-999", "1e308", "-1e308", "1.7976931348623157e308", "1.7976931348623159e308", "1.8e308",
         "123456789012345678901234567890", "1e15", "1e16", "1.5e15", "1e17", "1e18", "9.3e18", "9223372036854775807", "9223372036854775808",
         "-9223372036854775809", "1e19", "1e20", "1e300", "-1", "-0", "0", "0.5", "9007199254740993", "253402300800", "253402300799999",
         "4e13", "99999999999999", "1E+2", "0.0000000000000000000000000000001", "1" + new string('0', 400), "0." + new string('0', 500) + "1",
         "-1e15", "1e10", "31536000000000", "315576000001"];

    private static readonly string[] WrongTypes = ["null", "true", "false", "[]", "{}", "\"\"", "\"text\"", "[1,2]", "{\"a\":1}", "[null]", "\"  \""];

    private static readonly string[] Unicode =
        ["\"日本語 ✓ 🎉\"", @"""\u0000nul""", @"""ctrl\u0001\u001f\u007f""", @"""\ufeff""", @"""e\u0301""", @"""\ud83d\ude00""",
         @"""\u2028\u2029""", @"""\uffff""", @"""\ufffe""", "\"\u202eevil\"", "\"💩💩💩\"", @"""a\u0000b\u0000c""", @"""tab\there\r\n""",
         @"""\\\\\\\\\\""", "\"Ω≈ç√∫\"", @"""\u0040\u0040"""];

    private static readonly string[] TimeStrings =
        ["\"9999-12-31T23:59:59Z\"", "\"9999-12-31T23:59:59.9999999-14:00\"", "\"0001-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00+14:00\"",
         "\"2025-13-45T99:99:99Z\"", "\"99999999999999999999\"", "\"1e400\"", "\"-1\"", "\"2025-02-29T00:00:00Z\"",
         "\"2025-10-31T10:00:00.1234567890123Z\"", "\"2025-10-31T10:00:00+99:99\"", "\"00000000000000000000\"", "\"1\""];

    private static readonly string[] Garbage = ["x", "}", "]", ",", "\0", " {}", "{\"logs\":[]}", "\n\n\"tail\"", "\u00ff", "null"];

    private static readonly string[] ContentTypes =
        ["application/json; charset=iso-8859-1", "application/json; charset=utf-16", "application/json; charset=latin1", "text/plain",
         "application/json; charset=\"UTF-8\"", "application/json;charset=utf-8", "application/json; charset=utf-32", "application/x-ndjson"];

    private readonly Random random = new(seed);

    public HostileBody Next()
    {
        int endpoint = random.Next(Endpoints.Length);
        var notes = new List<string>();
        byte[] body = random.Next(40) == 0 ? Degenerate(endpoint, notes) : Batch(endpoint, notes);
        if (random.Next(4) == 0)
        {
            body = MutateBytes(body, notes);
        }

        string contentType = "application/json";
        if (random.Next(30) == 0)
        {
            contentType = Pick(ContentTypes);
            notes.Add($"content type {contentType}");
        }

        bool gzip = false;
        if (random.Next(8) == 0)
        {
            body = Gzip(body);
            gzip = true;
            notes.Add("gzip");
            if (random.Next(6) == 0)
            {
                body = body[..random.Next(body.Length)];
                notes.Add("truncated gzip");
            }
        }

        return new HostileBody(Endpoints[endpoint], body, gzip, contentType, notes.Count == 0 ? "valid" : string.Join(", ", notes));
    }

    private byte[] Batch(int endpoint, List<string> notes)
    {
        var json = new List<byte>(1024);
        string items = ItemsProperties[endpoint];
        Add(json, "{");
        if (random.Next(25) == 0)
        {
            Add(json, "\"meta\":");
            json.AddRange(HostileValue(notes));
            Add(json, ",");
            notes.Add("envelope property");
        }

        Add(json, $"\"{items}\":[");
        int count = random.Next(20) == 0 ? random.Next(0, 60) : random.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                Add(json, ",");
            }

            Item(endpoint, json, notes);
        }

        Add(json, "]");
        if (random.Next(30) == 0)
        {
            Add(json, $",\"{items}\":[]");
            notes.Add("items property twice");
        }

        Add(json, "}");
        return [.. json];
    }

    private void Item(int endpoint, List<byte> json, List<string> notes)
    {
        if (random.Next(40) == 0)
        {
            json.AddRange(HostileValue(notes));
            notes.Add("item not an object");
            return;
        }

        var fields = endpoint switch
        {
            0 => LogFields(),
            1 => MetricFields(),
            2 => SpanFields(),
            _ => RumFields(),
        };
        int mutations = random.Next(3);
        for (int m = 0; m < mutations; m++)
        {
            int at = random.Next(fields.Count);
            switch (random.Next(6))
            {
                case 0 or 1:
                    fields[at] = (fields[at].Name, HostileValue(notes));
                    notes.Add($"value of {Encoding.UTF8.GetString(fields[at].Name)}");
                    break;
                case 2:
                    fields[at] = (HostileKey(notes), fields[at].Value);
                    break;
                case 3:
                    fields.Insert(random.Next(fields.Count + 1), (fields[at].Name, random.Next(2) == 0 ? fields[at].Value : HostileValue(notes)));
                    notes.Add($"duplicate {Encoding.UTF8.GetString(fields[at].Name)}");
                    break;
                case 4:
                    fields.Add((random.Next(2) == 0 ? B("extra") : HostileKey(notes), HostileValue(notes)));
                    notes.Add("unknown field");
                    break;
                default:
                    fields.Add((B("attributes"), HostileAttributes(notes)));
                    notes.Add("hostile attributes");
                    break;
            }
        }

        Add(json, "{");
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                Add(json, ",");
            }

            Add(json, "\"");
            json.AddRange(fields[i].Name);
            Add(json, "\":");
            json.AddRange(fields[i].Value);
        }

        Add(json, "}");
    }

    private List<(byte[] Name, byte[] Value)> LogFields()
    {
        var fields = new List<(byte[], byte[])>
        {
            (B("timestamp"), Timestamp()),
            (B("service"), B("\"api\"")),
            (B("level"), B(Pick(["\"info\"", "\"error\"", "\"warning\"", "\"DEBUG\""]))),
            (B("message"), B(Pick(["\"user 42 logged in from 10.0.0.1\"", "\"mail jane@example.com paid with 4111 1111 1111 1111\"", "\"héllo ✓ 日本\"", "\"GET /api/v1/users/42 200 12ms\""]))),
            (B("host"), B("\"web-1\"")),
            (B("trace_id"), B("\"4bf92f3577b34da6a3ce929d0e0e4736\"")),
        };
        if (random.Next(2) == 0)
        {
            fields.Add((B("attributes"), ValidAttributes()));
        }

        return fields;
    }

    private List<(byte[] Name, byte[] Value)> MetricFields()
    {
        string type = Pick(["gauge", "counter", "histogram"]);
        var fields = new List<(byte[], byte[])>
        {
            (B("name"), B(Pick(["\"http.requests\"", "\"latency_seconds\"", "\"queue:depth\""]))),
            (B("type"), B($"\"{type}\"")),
            (B("timestamp"), Timestamp()),
            (B("labels"), B("{\"service\":\"api\",\"code\":200,\"canary\":false}")),
        };
        if (type == "histogram")
        {
            fields.Add((B("buckets"), B("[{\"le\":0.1,\"count\":3},{\"le\":1,\"count\":5},{\"le\":\"+Inf\",\"count\":6}]")));
            fields.Add((B("sum"), B("1.7")));
            fields.Add((B("count"), B("6")));
        }
        else
        {
            fields.Add((B("value"), B(Pick(["12", "0.25", "1e3", "0"]))));
        }

        return fields;
    }

    private List<(byte[] Name, byte[] Value)> SpanFields()
    {
        var fields = new List<(byte[], byte[])>
        {
            (B("trace_id"), B("\"4bf92f3577b34da6a3ce929d0e0e4736\"")),
            (B("span_id"), B($"\"{random.Next():x8}\"")),
            (B("parent_span_id"), B(Pick(["\"\"", "\"00f067aa0ba902b7\""]))),
            (B("service"), B("\"checkout\"")),
            (B("name"), B("\"GET /users\"")),
            (B("kind"), B(Pick(["\"server\"", "\"SPAN_KIND_CLIENT\""]))),
            (B("start"), Timestamp(secondsAgo: 5)),
            random.Next(2) == 0 ? (B("duration_ms"), B(Pick(["12.5", "0", "1000"]))) : (B("end"), Timestamp()),
            (B("status"), B(Pick(["\"ok\"", "\"error\""]))),
            (B("status_message"), B("\"card 4111111111111111 declined\"")),
        };
        if (random.Next(2) == 0)
        {
            fields.Add((B("attributes"), ValidAttributes()));
        }

        return fields;
    }

    private List<(byte[] Name, byte[] Value)> RumFields()
    {
        string type = Pick(["view", "vital", "error", "action", "resource"]);
        var fields = new List<(byte[], byte[])>
        {
            (B("type"), B($"\"{type}\"")),
            (B("session_id"), B("\"s-1\"")),
            (B("timestamp"), Timestamp()),
            (B("application"), B("\"shop\"")),
            (B("url"), B("\"https://shop.example/cart?email=jane@example.com\"")),
            (B("user_agent"), B("\"Mozilla/5.0\"")),
            (B("duration_ms"), B("120.5")),
        };
        switch (type)
        {
            case "vital":
                fields.Add((B("vital_name"), B("\"LCP\"")));
                fields.Add((B("vital_value"), B("1234")));
                break;
            case "error":
                fields.Add((B("error_message"), B("\"TypeError: x is undefined\"")));
                fields.Add((B("error_stack"), B("\"at f (app.js:1:1)\"")));
                break;
            case "action":
                fields.Add((B("action_name"), B("\"click on Checkout\"")));
                break;
        }

        if (random.Next(2) == 0)
        {
            fields.Add((B("attributes"), ValidAttributes()));
        }

        return fields;
    }

    private byte[] Timestamp(int secondsAgo = 0)
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(-secondsAgo);
        return random.Next(4) switch
        {
            0 => B(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            1 => B((at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)),
            2 => B((at.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture)),
            _ => B($"\"{at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}\""),
        };
    }

    private byte[] ValidAttributes() => B(Pick(
    [
        "{\"user\":{\"id\":42,\"email\":\"jane@example.com\",\"name\":\"Jane\"},\"tags\":[\"a\",\"b\"],\"ok\":true,\"ratio\":0.5,\"nothing\":null}",
        "{\"path\":\"/api/v1/users/42\",\"status\":200,\"bytes\":1.5e3}",
        "{\"nested\":{\"deep\":[1,2.5,true,null,{\"k\":\"v\"}]},\"esc\\u0040\":\"jane\\u0040example.com\"}",
        "{}",
    ]));

    private byte[] HostileAttributes(List<string> notes)
    {
        var json = new List<byte>();
        Add(json, "{");
        int keys = random.Next(1, 5);
        for (int i = 0; i < keys; i++)
        {
            if (i > 0)
            {
                Add(json, ",");
            }

            Add(json, "\"");
            json.AddRange(random.Next(3) == 0 ? HostileKey(notes) : B($"k{i}"));
            Add(json, "\":");
            if (random.Next(3) == 0)
            {
                // A nested object whose key is hostile: the case a top-level name check misses.
                Add(json, "{\"user\":{\"");
                json.AddRange(HostileKey(notes));
                Add(json, "\":");
                json.AddRange(HostileValue(notes));
                Add(json, "}}");
            }
            else
            {
                json.AddRange(HostileValue(notes));
            }
        }

        Add(json, "}");
        return [.. json];
    }

    private byte[] HostileKey(List<string> notes)
    {
        switch (random.Next(8))
        {
            case 0:
                notes.Add("lone surrogate in a key");
                return B(Pick(LoneSurrogates));
            case 1:
                notes.Add("invalid UTF-8 in a key");
                return InvalidString(quoted: false);
            case 2:
                notes.Add("empty key");
                return [];
            case 3:
                notes.Add("long key");
                return B(new string('k', Pick([257, 300, 5000])));
            case 4:
                notes.Add("escaped known name");
                return B(Pick([@"mess\u0061ge", @"\u0074imestamp", @"attribute\u0073", "message", "name", "type"]));
            case 5:
                notes.Add("control character key");
                return B(Pick([@"\u0000", @"a\u0001", @"\t"]));
            default:
                notes.Add("unicode key");
                return B(Pick(["日本", "ключ", "🎉", "e\u0301"]));
        }
    }

    private byte[] HostileValue(List<string> notes)
    {
        switch (random.Next(9))
        {
            case 0:
                notes.Add("lone surrogate");
                return B($"\"{Pick(LoneSurrogates)}\"");
            case 1 or 2:
                notes.Add("invalid UTF-8");
                return InvalidString(quoted: true);
            case 3:
                string number = Pick(Numbers);
                notes.Add($"number {(number.Length > 24 ? number[..24] + "…" : number)}");
                return B(number);
            case 4:
                notes.Add("wrong type");
                return B(Pick(WrongTypes));
            case 5:
                notes.Add("unicode");
                return B(Pick(Unicode));
            case 6:
                notes.Add("time string");
                return B(Pick(TimeStrings));
            default:
                return Big(notes);
        }
    }

    private byte[] Big(List<string> notes)
    {
        switch (random.Next(8))
        {
            case 0:
                int length = Pick([20_000, 40_000, 70_000, 300_000]);
                notes.Add($"string of {length} chars");
                return B($"\"{new string(Pick(['x', 'é', '日']), length)}\"");
            case 1:
                notes.Add("array of 50000 numbers");
                return B("[" + string.Join(",", Enumerable.Repeat("0", 50_000)) + "]");
            case 2:
                int depth = Pick([9, 12, 40, 200]);
                notes.Add($"arrays nested {depth} deep");
                return B(new string('[', depth) + new string(']', depth));
            case 3:
                int levels = Pick([7, 9, 20, 40]);
                notes.Add($"objects nested {levels} deep");
                return B(string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels));
            case 4:
                int keys = Pick([300, 5000]);
                notes.Add($"object of {keys} keys");
                return B("{" + string.Join(",", Enumerable.Range(0, keys).Select(i => $"\"k{i}\":{i}")) + "}");
            case 5:
                notes.Add("object of 2000 keys, the last a duplicate");
                return B("{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"k{i}\":{i}")) + ",\"k7\":0}");
            case 6:
                notes.Add("many medium strings");
                return B("[" + string.Join(",", Enumerable.Repeat($"\"{new string('v', 1000)}\"", 100)) + "]");
            default:
                notes.Add("duplicate keys in a value");
                return B(Pick(["{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}", "[{\"x\":{\"y\":1,\"y\":1}}]", "{\"\":1,\"\":2}"]));
        }
    }

    private byte[] InvalidString(bool quoted)
    {
        var bytes = new List<byte>();
        if (quoted)
        {
            Add(bytes, "\"");
        }

        Add(bytes, Pick(Neighbours));
        bytes.AddRange(Pick(InvalidUtf8));
        Add(bytes, Pick(Neighbours));
        if (quoted)
        {
            Add(bytes, "\"");
        }

        return [.. bytes];
    }

    private byte[] Degenerate(int endpoint, List<string> notes)
    {
        string items = ItemsProperties[endpoint];
        string body = Pick(
        [
            "", "null", "[]", "{}", "\"logs\"", "   ", "0", $"{{\"{items}\":null}}", $"{{\"{items}\":{{}}}}", $"{{\"{items}\":[null]}}",
            $"{{\"{items}\":[[]]}}", $"{{\"{items}\":[{{}}]}}", new string('[', 100), string.Concat(Enumerable.Repeat("{\"a\":", 1000)),
            $"{{\"{items}\":[]}}", $"{{\"{items}\":\"\\ud800\"}}", $"{{\"\\ud800\":[],\"{items}\":[]}}", $"{{\"{items}\":[],\"{items}\":[]}}",
        ]);
        notes.Add($"degenerate body '{(body.Length > 20 ? body[..20] + "…" : body)}'");
        return B(body);
    }

    private byte[] MutateBytes(byte[] body, List<string> notes)
    {
        if (body.Length == 0)
        {
            return body;
        }

        switch (random.Next(7))
        {
            case 0 or 1:
            {
                // An invalid byte right before or after an '@', a digit or a quote, where scanners take shortcuts.
                char kind = Pick(['@', '1', '"']);
                var positions = new List<int>();
                for (int i = 0; i < body.Length; i++)
                {
                    if (kind == '1' ? char.IsAsciiDigit((char)body[i]) : body[i] == kind)
                    {
                        positions.Add(i);
                    }
                }

                if (positions.Count == 0)
                {
                    return body;
                }

                int at = positions[random.Next(positions.Count)] + random.Next(2);
                byte[] bad = Pick(InvalidUtf8);
                notes.Add($"invalid byte 0x{bad[0]:x2} next to '{kind}'");
                return [.. body[..at], .. bad, .. body[at..]];
            }

            case 2:
                notes.Add("truncated");
                return body[..random.Next(body.Length)];
            case 3:
                notes.Add("trailing garbage");
                return [.. body, .. B(Pick(Garbage))];
            case 4:
                notes.Add("leading BOM");
                return [0xEF, 0xBB, 0xBF, .. body];
            case 5:
            {
                notes.Add("flipped byte");
                byte[] copy = [.. body];
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy;
            }

            default:
            {
                notes.Add("deleted byte");
                int at = random.Next(body.Length);
                return [.. body[..at], .. body[(at + 1)..]];
            }
        }
    }

    private static byte[] Gzip(byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(body);
        }

        return buffer.ToArray();
    }

    private T Pick<T>(T[] options) => options[random.Next(options.Length)];

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static void Add(List<byte> bytes, string text) => bytes.AddRange(Encoding.UTF8.GetBytes(text));
}
