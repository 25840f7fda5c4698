using System.Globalization;
using System.Text;

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>Turns PromQL text into tokens the way Prometheus' lexer does (keywords case-insensitive, Go string escapes).</summary>
public static class PromQlLexer
{
    /// <summary>Keywords and aggregators; matched case-insensitively like Prometheus.</summary>
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
        "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    };

    public static List<PromQlToken> Tokenize(string text)
    {
        var tokens = new List<PromQlToken>();
        int i = 0;
        bool inBrackets = false;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == '#'))
            {
                if (text[i] == '#')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    i++;
                }
            }

            if (i >= text.Length)
            {
                tokens.Add(new PromQlToken(PromQlTokenKind.Eof, string.Empty, text.Length));
                return tokens;
            }

            int start = i;
            char c = text[i];
            if (c == ':' && inBrackets)
            {
                // Inside [...] a colon separates a subquery's range and step; elsewhere it is part of a metric name.
                tokens.Add(new PromQlToken(PromQlTokenKind.Colon, ":", start, ":"));
                i++;
                continue;
            }

            inBrackets = c == '[' || (inBrackets && c != ']');
            if (char.IsAsciiLetter(c) || c == '_' || c == ':')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_' || text[i] == ':'))
                {
                    i++;
                }

                string word = text[start..i];
                string lower = word.ToLowerInvariant();
                if (lower is "inf" or "nan")
                {
                    tokens.Add(new PromQlToken(PromQlTokenKind.Number, word, start, Number: lower == "inf" ? double.PositiveInfinity : double.NaN));
                }
                else if (Keywords.Contains(lower))
                {
                    tokens.Add(new PromQlToken(PromQlTokenKind.Keyword, word, start, lower));
                }
                else
                {
                    tokens.Add(new PromQlToken(word.Contains(':', StringComparison.Ordinal) ? PromQlTokenKind.MetricIdentifier : PromQlTokenKind.Identifier, word, start, word));
                }

                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                int durationEnd = ScanDuration(text, i);
                if (durationEnd > i && (durationEnd == text.Length || text[durationEnd] == ':' || !IsWordChar(text[durationEnd])))
                {
                    string d = text[i..durationEnd];
                    tokens.Add(new PromQlToken(PromQlTokenKind.Duration, d, start, d));
                    i = durationEnd;
                    continue;
                }

                int end = ScanNumber(text, i);
                if (end < text.Length && IsWordChar(text[end]))
                {
                    throw new PromQlSyntaxException("bad number or duration syntax: \"" + text[start..Math.Min(text.Length, end + 1)] + "\"", text, start);
                }

                string n = text[i..end];
                if (!TryParseNumber(n, out double value))
                {
                    throw new PromQlSyntaxException($"bad number syntax: \"{n}\"", text, start);
                }

                tokens.Add(new PromQlToken(PromQlTokenKind.Number, n, start, n, value));
                i = end;
                continue;
            }

            if (c is '"' or '\'' or '`')
            {
                tokens.Add(new PromQlToken(PromQlTokenKind.QuotedString, ReadString(text, ref i, out string value), start, value));
                continue;
            }

            string two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
            if (two is "==" or "!=" or ">=" or "<=" or "=~" or "!~")
            {
                tokens.Add(new PromQlToken(PromQlTokenKind.Operator, two, start, two));
                i += 2;
                continue;
            }

            PromQlTokenKind? kind = c switch
            {
                '(' => PromQlTokenKind.LeftParen,
                ')' => PromQlTokenKind.RightParen,
                '{' => PromQlTokenKind.LeftBrace,
                '}' => PromQlTokenKind.RightBrace,
                '[' => PromQlTokenKind.LeftBracket,
                ']' => PromQlTokenKind.RightBracket,
                ',' => PromQlTokenKind.Comma,
                '@' => PromQlTokenKind.At,
                '=' => PromQlTokenKind.Assign,
                '+' or '-' or '*' or '/' or '%' or '^' or '>' or '<' => PromQlTokenKind.Operator,
                _ => null,
            };
            if (kind is null)
            {
                throw new PromQlSyntaxException($"unexpected character: '{c}'", text, start);
            }

            tokens.Add(new PromQlToken(kind.Value, c.ToString(), start, c.ToString()));
            i++;
        }
    }

    /// <summary>Parses a Prometheus duration (<c>1h30m</c>, <c>500ms</c>, <c>2w</c>; units in descending order, each once).</summary>
    public static bool TryParseDuration(string text, out long milliseconds)
    {
        milliseconds = 0;
        if (string.IsNullOrEmpty(text) || ScanDuration(text, 0) != text.Length)
        {
            return false;
        }

        int i = 0;
        int lastRank = int.MaxValue;
        decimal total = 0;
        while (i < text.Length)
        {
            int digits = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (!decimal.TryParse(text.AsSpan(digits, i - digits), NumberStyles.None, CultureInfo.InvariantCulture, out decimal n))
            {
                return false;
            }

            string unit = i + 1 < text.Length && text[i] == 'm' && text[i + 1] == 's' ? "ms" : text[i].ToString();
            i += unit.Length;
            (int rank, decimal ms) = unit switch
            {
                "y" => (7, 365m * 24 * 3600 * 1000),
                "w" => (6, 7m * 24 * 3600 * 1000),
                "d" => (5, 24m * 3600 * 1000),
                "h" => (4, 3600m * 1000),
                "m" => (3, 60m * 1000),
                "s" => (2, 1000m),
                _ => (1, 1m),
            };
            if (rank >= lastRank)
            {
                return false;
            }

            lastRank = rank;
            total += n * ms;
            if (total > long.MaxValue / 1_000_000)
            {
                // Prometheus keeps durations in nanoseconds; beyond that it refuses them.
                return false;
            }
        }

        milliseconds = (long)total;
        return true;
    }

    /// <summary>Parses a number as Prometheus does: Go's ParseInt with base prefixes (0x, 0o, leading 0 = octal), else ParseFloat.</summary>
    public static bool TryParseNumber(string text, out double value)
    {
        value = 0;
        string s = text;
        try
        {
            if (s.Length > 2 && s[0] == '0' && (s[1] is 'x' or 'X'))
            {
                value = Convert.ToUInt64(s[2..], 16) is var u && u <= long.MaxValue ? u : throw new OverflowException();
                return true;
            }

            if (s.Length > 1 && s[0] == '0' && s.All(char.IsAsciiDigit))
            {
                if (s.Any(ch => ch is '8' or '9'))
                {
                    return false;
                }

                value = Convert.ToInt64(s, 8);
                return true;
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }

        return double.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Whether a label name is valid: [a-zA-Z_][a-zA-Z0-9_]*.</summary>
    public static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':';

    private static int ScanDuration(string text, int i)
    {
        int end = i;
        while (true)
        {
            int j = end;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }

            if (j == end || j >= text.Length)
            {
                return end;
            }

            if (text[j] == 'm' && j + 1 < text.Length && text[j + 1] == 's')
            {
                end = j + 2;
            }
            else if (text[j] is 'y' or 'w' or 'd' or 'h' or 'm' or 's')
            {
                end = j + 1;
            }
            else
            {
                return end;
            }
        }
    }

    private static int ScanNumber(string text, int i)
    {
        if (i + 1 < text.Length && text[i] == '0' && (text[i + 1] is 'x' or 'X'))
        {
            i += 2;
            while (i < text.Length && char.IsAsciiHexDigit(text[i]))
            {
                i++;
            }

            return i;
        }

        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && (text[i] is 'e' or 'E'))
        {
            int j = i + 1;
            if (j < text.Length && (text[j] is '+' or '-'))
            {
                j++;
            }

            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                while (j < text.Length && char.IsAsciiDigit(text[j]))
                {
                    j++;
                }

                i = j;
            }
        }

        return i;
    }

    private static string ReadString(string text, ref int i, out string value)
    {
        int start = i;
        char quote = text[i++];
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= text.Length || (quote != '`' && text[i] == '\n'))
            {
                throw new PromQlSyntaxException("unterminated quoted string", text, start);
            }

            char c = text[i++];
            if (c == quote)
            {
                break;
            }

            if (c != '\\' || quote == '`')
            {
                sb.Append(c);
                continue;
            }

            if (i >= text.Length)
            {
                throw new PromQlSyntaxException("unterminated quoted string", text, start);
            }

            char e = text[i++];
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '\'' when quote == '\'': sb.Append('\''); break;
                case '"' when quote == '"': sb.Append('"'); break;
                case 'x':
                    sb.Append((char)Hex(text, ref i, 2, start));
                    break;
                case 'u':
                    sb.Append(char.ConvertFromUtf32(Hex(text, ref i, 4, start)));
                    break;
                case 'U':
                    sb.Append(char.ConvertFromUtf32(Hex(text, ref i, 8, start)));
                    break;
                case >= '0' and <= '7':
                    if (i + 2 > text.Length || !IsOctal(text[i]) || !IsOctal(text[i + 1]))
                    {
                        throw new PromQlSyntaxException("unknown escape sequence", text, i - 2);
                    }

                    sb.Append((char)Convert.ToInt32(text.Substring(i - 1, 3), 8));
                    i += 2;
                    break;
                default:
                    throw new PromQlSyntaxException("unknown escape sequence", text, i - 2);
            }
        }

        value = sb.ToString();
        return text[start..i];
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    private static int Hex(string text, ref int i, int digits, int start)
    {
        if (i + digits > text.Length || !int.TryParse(text.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v)
            || (digits == 8 && (v < 0 || v > 0x10FFFF)) || v is >= 0xD800 and <= 0xDFFF)
        {
            throw new PromQlSyntaxException("invalid escape sequence", text, start);
        }

        i += digits;
        return v;
    }
}
