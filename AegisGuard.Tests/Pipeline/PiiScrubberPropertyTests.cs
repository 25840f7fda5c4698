using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;

namespace AegisGuard.Tests.Pipeline;

/// <summary>
/// Generated PII (e-mails, SSNs, Luhn-valid cards and, with the opt-in rules, IPs and phones) in generated positions,
/// fields and encodings (plain, URL-encoded once and twice, JSON-escaped inside a JSON text, HTML, JSON number),
/// decoded through the real batch decoders of all four signals: no generated value survives in anything decoded,
/// read raw or decoded once more the way a query (| json) or a browser would. Seeded, so a failure replays.
/// </summary>
public sealed partial class PiiScrubberPropertyTests
{
    private const int Cases = 1500;
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTime Now = DateTime.UtcNow;

    private static readonly string[] Domains = ["example.com", "mail.example.co.uk", "bücher.de", "xn--bcher-kva.de", "пример.рф", "corp.example.io"];
    private static readonly string[] Before = ["", "x ", "qty 2 ", "2025-10-31 ", "id=", "(", "<", "\"", "user: ", "GET /a?v=", "ssn "];
    private static readonly string[] After = ["", " ok", " 2 items", ")", ">", "\"", ";", "&page=2", ".", ","];

    [Theory]
    [InlineData(PiiMode.Redact, 1)]
    [InlineData(PiiMode.Hash, 2)]
    public void No_generated_pii_survives_in_any_field_of_any_signal(PiiMode mode, int seed)
    {
        var random = new Random(seed);
        var scrubber = new PiiScrubber(mode, Key, PiiRules.IpAddresses | PiiRules.PhoneNumbers);
        for (int i = 0; i < Cases; i++)
        {
            var pii = Generate(random);
            string encoded = Encode(random, pii);
            string text = Pick(random, Before) + encoded + Pick(random, After);
            int signal = random.Next(4);
            bool asNumber = pii.Number is not null && random.Next(4) == 0;
            var stored = Decode(signal, text, pii, asNumber, scrubber, random);
            foreach (string value in stored)
            {
                foreach (string view in Views(value))
                {
                    Assert.False(Leaks(view, pii), $"case {i} (seed {seed}, signal {signal}): {pii.Kind} '{pii.Value}' sent as '{text}' survives as '{value}'");
                }
            }
        }
    }

    [Fact]
    public void Generated_look_alikes_survive_untouched()
    {
        var random = new Random(3);
        var scrubber = new PiiScrubber(PiiMode.Redact, Key);
        for (int i = 0; i < Cases; i++)
        {
            string value = random.Next(7) switch
            {
                0 => Now.AddSeconds(-random.Next(1_000_000)).ToString("O", CultureInfo.InvariantCulture),
                1 => Guid.NewGuid().ToString(),
                2 => $"{random.Next(10)}.{random.Next(100)}.{random.Next(100)}.{random.Next(1000)}",
                3 => NotLuhn(random),
                4 => $"took {random.Next(1, 100_000)}ms port {random.Next(1, 65536)}",
                5 => $"count {random.Next(100_000_000, 999_999_999)}",
                _ => $"{Convert.ToHexStringLower(RandomBytes(random, 16))} span {Convert.ToHexStringLower(RandomBytes(random, 8))}",
            };

            Assert.Same(value, scrubber.Scrub(value));
        }
    }

    private sealed record Pii(string Kind, string Value, string Digits, string? Number);

    private static Pii Generate(Random random)
    {
        switch (random.Next(5))
        {
            case 0:
            {
                string local = RandomWord(random, 6, 10) + (random.Next(3) == 0 ? "." + RandomWord(random, 3, 6) : string.Empty) + (random.Next(4) == 0 ? "+tag" : string.Empty);
                if (random.Next(8) == 0)
                {
                    local = "\"" + RandomWord(random, 4, 6) + " " + RandomWord(random, 4, 6) + "\"";
                }

                return new Pii("email", $"{local}@{Pick(random, Domains)}", string.Empty, null);
            }

            case 1:
            {
                int area = random.Next(1, 899);
                if (area == 666)
                {
                    area = 665;
                }

                string digits = $"{area:D3}{random.Next(1, 100):D2}{random.Next(1, 10000):D4}";
                string value = random.Next(3) switch
                {
                    0 => $"{digits[..3]}-{digits[3..5]}-{digits[5..]}",
                    1 => $"{digits[..3]} {digits[3..5]} {digits[5..]}",
                    _ => $"ssn {digits}",
                };
                bool asNumber = value.StartsWith("ssn", StringComparison.Ordinal) && digits[0] != '0'; // JSON numbers have no leading 0
                return new Pii("ssn", value, digits, asNumber ? digits : null);
            }

            case 2:
            {
                string digits = LuhnCard(random);
                string value = random.Next(4) switch
                {
                    0 => digits,
                    1 => Group(digits, ' '),
                    2 => Group(digits, '-'),
                    _ => Group(digits, '.'),
                };
                return new Pii("card", value, digits, digits);
            }

            case 3:
                return new Pii("ip", $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}", string.Empty, null);
            default:
            {
                string digits = $"44{random.Next(20, 80)}{random.Next(1000, 9999)}{random.Next(1000, 9999)}";
                return new Pii("phone", $"+{digits[..2]} {digits[2..4]} {digits[4..8]} {digits[8..]}", digits, null);
            }
        }
    }

    /// <summary>The value as some sender writes it: as is, URL-encoded (once or twice), JSON-escaped or HTML-escaped.</summary>
    private static string Encode(Random random, Pii pii) => random.Next(6) switch
    {
        0 or 1 => pii.Value,
        2 => pii.Value.Replace("@", "%40", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal),
        3 => pii.Value.Replace("@", "%2540", StringComparison.Ordinal),
        4 => "{\"v\":\"" + JsonEscapeSome(random, pii.Value) + "\"}",
        _ => pii.Value.Replace("@", "&#64;", StringComparison.Ordinal),
    };

    private static string JsonEscapeSome(Random random, string value)
    {
        var output = new StringBuilder();
        foreach (char c in value)
        {
            if (c == '"')
            {
                output.Append("\\\"");
            }
            else if (c == '@' || (char.IsAsciiDigit(c) && random.Next(3) == 0))
            {
                output.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                output.Append(c);
            }
        }

        return output.ToString();
    }

    /// <summary>Decodes one item of the signal with the text in a generated field; returns every stored string.</summary>
    private static List<string> Decode(int signal, string text, Pii pii, bool asNumber, PiiScrubber scrubber, Random random)
    {
        string now = Now.ToString("O", CultureInfo.InvariantCulture);
        string value = JsonSerializer.Serialize(text);
        string attribute = asNumber ? pii.Number! : value;
        // A bare 9-digit number is an SSN only under a name that says so (anywhere else it is a near-miss that stays).
        string attributeName = asNumber && pii.Kind == "ssn" ? "customer_ssn" : "note";
        int field = asNumber ? random.Next(2) : random.Next(4);
        string attrs = field switch
        {
            0 => $"{{\"{attributeName}\":{attribute}}}",
            1 => $"{{\"nested\":{{\"{attributeName}\":[{attribute}]}}}}",
            2 => $"{{{value}:\"x\"}}",
            _ => "{}",
        };
        string item = signal switch
        {
            0 => $"{{\"logs\":[{{\"message\":{Pick(random, [value, "\"m\""])},\"service\":{Pick(random, [value, "\"s\""])},\"host\":{Pick(random, [value, "\"h\""])},\"attributes\":{attrs}}}]}}",
            1 => $"{{\"spans\":[{{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\",\"name\":{value},\"service\":{Pick(random, [value, "\"s\""])},\"status_message\":{value},\"start\":\"{now}\",\"duration_ms\":1,\"attributes\":{attrs}}}]}}",
            2 => $"{{\"metrics\":[{{\"name\":\"m\",\"type\":\"gauge\",\"value\":1,\"labels\":{{\"{attributeName}\":{attribute}}}}}]}}",
            _ => $"{{\"events\":[{{\"type\":\"action\",\"session_id\":\"s1\",\"action_name\":{value},\"application\":{Pick(random, [value, "\"a\""])},\"user_agent\":{Pick(random, [value, "\"u\""])},\"url\":{value},\"attributes\":{attrs}}}]}}",
        };

        var context = new DecodeContext { ReceivedAt = Now, OldestAllowed = Now.AddDays(-1), NewestAllowed = Now.AddMinutes(5), Scrubber = scrubber };
        IBatchDecoder decoder = signal switch
        {
            0 => new LogBatchDecoder(),
            1 => new SpanBatchDecoder(),
            2 => new MetricBatchDecoder(),
            _ => new RumBatchDecoder(),
        };
        var result = decoder.DecodeRows(Encoding.UTF8.GetBytes(item), context);
        Assert.True(result.Outcome == DecodeOutcome.Ok, $"{item}: {result.Problem} {string.Join("; ", context.Errors)}");
        var row = Assert.Single(result.Rows!);
        return [.. row.GetType().GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => (string?)p.GetValue(row)).OfType<string>()];
    }

    /// <summary>The value and what decoding it once more shows: JSON escapes, URL escapes (twice), HTML entities.</summary>
    private static IEnumerable<string> Views(string value)
    {
        yield return value;
        string json = JsonEscapes().Replace(value, m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());
        yield return json;
        string url = Uri.UnescapeDataString(Uri.UnescapeDataString(json));
        yield return url;
        yield return WebUtility.HtmlDecode(url);
    }

    private static bool Leaks(string view, Pii pii)
    {
        if (pii.Kind == "email")
        {
            string local = pii.Value[..pii.Value.LastIndexOf('@')].Trim('"');
            return view.Contains(local, StringComparison.OrdinalIgnoreCase);
        }

        if (pii.Kind == "ip")
        {
            return view.Contains(pii.Value, StringComparison.Ordinal);
        }

        // Digits may come back with other separators: compare the digit runs.
        string digitsOnly = Regex.Replace(view, "[ .\\-]", string.Empty);
        return digitsOnly.Contains(pii.Digits, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\\+u([0-9a-fA-F]{4})")]
    private static partial Regex JsonEscapes();

    private static string LuhnCard(Random random)
    {
        int length = Pick(random, [13, 15, 16, 16, 16, 19]);
        var digits = new int[length];
        digits[0] = Pick(random, [3, 4, 5, 6]);
        for (int i = 1; i < length - 1; i++)
        {
            digits[i] = random.Next(10);
        }

        int sum = 0;
        for (int i = length - 2, position = 1; i >= 0; i--, position++)
        {
            int d = digits[i];
            if (position % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        digits[^1] = (10 - (sum % 10)) % 10;
        return string.Concat(digits);
    }

    private static string NotLuhn(Random random)
    {
        string card = LuhnCard(random);
        char last = (char)('0' + ((card[^1] - '0' + 1) % 10));
        return "order " + card[..^1] + last;
    }

    private static string Group(string digits, char separator)
    {
        var groups = new List<string>();
        for (int i = 0; i < digits.Length; i += 4)
        {
            groups.Add(digits.Substring(i, Math.Min(4, digits.Length - i)));
        }

        // A trailing group of 1-2 digits is not how cards are printed: fold it into the previous one.
        if (groups[^1].Length < 3)
        {
            groups[^2] += groups[^1];
            groups.RemoveAt(groups.Count - 1);
        }

        return string.Join(separator, groups);
    }

    private static string RandomWord(Random random, int min, int max)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var word = new char[random.Next(min, max + 1)];
        for (int i = 0; i < word.Length; i++)
        {
            word[i] = letters[random.Next(letters.Length)];
        }

        return new string(word);
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
