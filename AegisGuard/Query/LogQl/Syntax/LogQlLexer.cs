using System.Globalization;
using System.Text;

namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>
/// Splits LogQL-lite text into tokens with 1-based columns. Strings are Go-style: <c>"…"</c> with escapes
/// (<c>\" \\ \n \r \t \uXXXX</c>) or raw <c>`…`</c> without; <c>i"…"</c> marks a case-insensitive line filter.
/// A number directly followed by a unit is a duration (<c>5m</c>, <c>1h30m</c>, <c>250ms</c>) or a byte size
/// (<c>10KB</c>, <c>2MiB</c>).
/// </summary>
public static class LogQlLexer
{
    // Longest first, so "ms" is not read as "m" + "s".
    private static readonly (string Unit, double Seconds)[] DurationUnits =
    [
        ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800), ("y", 31536000),
    ];

    private static readonly Dictionary<string, double> ByteUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b"] = 1, ["kb"] = 1e3, ["mb"] = 1e6, ["gb"] = 1e9, ["tb"] = 1e12, ["pb"] = 1e15,
        ["kib"] = 1024, ["mib"] = 1024d * 1024, ["gib"] = 1024d * 1024 * 1024, ["tib"] = 1024d * 1024 * 1024 * 1024, ["pib"] = 1024d * 1024 * 1024 * 1024 * 1024,
    };

    /// <summary>Every token of <paramref name="text"/>, ending with <see cref="LogQlTokenKind.End"/>.</summary>
    /// <exception cref="LogQlSyntaxException">An unknown character, unterminated string, bad escape or malformed number.</exception>
    public static List<LogQlToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<LogQlToken>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new LogQlToken(LogQlTokenKind.End, "", text.Length + 1, "", 0));
                return tokens;
            }

            int start = i;
            char c = text[i];
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (c)
            {
                case '{': tokens.Add(Symbol(LogQlTokenKind.OpenBrace, "{", start)); i++; continue;
                case '}': tokens.Add(Symbol(LogQlTokenKind.CloseBrace, "}", start)); i++; continue;
                case '(': tokens.Add(Symbol(LogQlTokenKind.OpenParen, "(", start)); i++; continue;
                case ')': tokens.Add(Symbol(LogQlTokenKind.CloseParen, ")", start)); i++; continue;
                case '[': tokens.Add(Symbol(LogQlTokenKind.OpenBracket, "[", start)); i++; continue;
                case ']': tokens.Add(Symbol(LogQlTokenKind.CloseBracket, "]", start)); i++; continue;
                case ',': tokens.Add(Symbol(LogQlTokenKind.Comma, ",", start)); i++; continue;
                case '=' when next == '~': tokens.Add(Symbol(LogQlTokenKind.RegexMatch, "=~", start)); i += 2; continue;
                case '=' when next == '=': tokens.Add(Symbol(LogQlTokenKind.DoubleEqual, "==", start)); i += 2; continue;
                case '=': tokens.Add(Symbol(LogQlTokenKind.Equal, "=", start)); i++; continue;
                case '!' when next == '=': tokens.Add(Symbol(LogQlTokenKind.NotEqual, "!=", start)); i += 2; continue;
                case '!' when next == '~': tokens.Add(Symbol(LogQlTokenKind.RegexNotMatch, "!~", start)); i += 2; continue;
                case '|' when next == '=': tokens.Add(Symbol(LogQlTokenKind.PipeEqual, "|=", start)); i += 2; continue;
                case '|' when next == '~': tokens.Add(Symbol(LogQlTokenKind.PipeRegex, "|~", start)); i += 2; continue;
                case '|': tokens.Add(Symbol(LogQlTokenKind.Pipe, "|", start)); i++; continue;
                case '>' when next == '=': tokens.Add(Symbol(LogQlTokenKind.GreaterOrEqual, ">=", start)); i += 2; continue;
                case '>': tokens.Add(Symbol(LogQlTokenKind.Greater, ">", start)); i++; continue;
                case '<' when next == '=': tokens.Add(Symbol(LogQlTokenKind.LessOrEqual, "<=", start)); i += 2; continue;
                case '<': tokens.Add(Symbol(LogQlTokenKind.Less, "<", start)); i++; continue;
                case '"' or '`':
                    tokens.Add(ReadString(text, ref i, ignoreCase: false));
                    continue;
                case 'i' when next is '"' or '`':
                    i++;
                    var quoted = ReadString(text, ref i, ignoreCase: true);
                    tokens.Add(quoted with { Column = start + 1, Text = "i" + quoted.Text });
                    continue;
            }

            if (char.IsAsciiDigit(c) || (c is '-' or '.' && (char.IsAsciiDigit(next) || (next == '.' && c == '-'))))
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                string name = text[start..i];
                tokens.Add(new LogQlToken(LogQlTokenKind.Identifier, name, start + 1, name, 0));
                continue;
            }

            throw new LogQlSyntaxException($"unexpected \"{c}\" at column {start + 1}", start + 1);
        }
    }

    /// <summary>
    /// Parses a duration such as <c>5m</c>, <c>1h30m</c>, <c>250ms</c>, or a plain number of seconds (for the
    /// <c>step</c> parameter). False when the text is neither.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double plain))
        {
            return TryFromSeconds(plain, out duration);
        }

        return TryDurationSeconds(text, out double seconds) && TryFromSeconds(seconds, out duration);
    }

    private static bool TryFromSeconds(double seconds, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    private static LogQlToken Symbol(LogQlTokenKind kind, string text, int index) => new(kind, text, index + 1, text, 0);

    private static LogQlToken ReadString(string text, ref int i, bool ignoreCase)
    {
        int start = i;
        char quote = text[i++];
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length)
            {
                throw new LogQlSyntaxException($"unterminated string starting at column {start + 1}", start + 1);
            }

            char c = text[i];
            if (c == quote)
            {
                i++;
                return new LogQlToken(LogQlTokenKind.QuotedString, text[start..i], start + 1, value.ToString(), 0, ignoreCase);
            }

            if (c == '\0' || (c == '\\' && quote == '"' && text.AsSpan(i).StartsWith("\\u0000")))
            {
                // DuckDB takes text values as C strings: everything after a NUL would be silently dropped.
                throw new LogQlSyntaxException($"a NUL character (\\u0000) at column {i + 1} cannot be searched for", i + 1);
            }

            if (c == '\\' && quote == '"')
            {
                if (i + 1 >= text.Length)
                {
                    throw new LogQlSyntaxException($"unterminated string starting at column {start + 1}", start + 1);
                }

                char escaped = text[i + 1];
                switch (escaped)
                {
                    case '"' or '\\' or '/': value.Append(escaped); i += 2; continue;
                    case 'n': value.Append('\n'); i += 2; continue;
                    case 'r': value.Append('\r'); i += 2; continue;
                    case 't': value.Append('\t'); i += 2; continue;
                    case 'u' when i + 6 <= text.Length && int.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code):
                        if (char.IsHighSurrogate((char)code) && i + 12 <= text.Length && text.AsSpan(i + 6, 2).SequenceEqual("\\u")
                            && int.TryParse(text.AsSpan(i + 8, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int low)
                            && char.IsLowSurrogate((char)low))
                        {
                            // A JSON-style pair for a character beyond U+FFFF, e.g. \ud83d\ude00.
                            value.Append((char)code).Append((char)low);
                            i += 12;
                            continue;
                        }

                        if (char.IsSurrogate((char)code))
                        {
                            throw new LogQlSyntaxException(
                                $"invalid escape \"\\u{code:x4}\" at column {i + 1}: half of a surrogate pair is not a character; write the character itself", i + 1);
                        }

                        value.Append((char)code);
                        i += 6;
                        continue;
                    default:
                        throw new LogQlSyntaxException(
                            $"invalid escape \"\\{escaped}\" at column {i + 1}: write \"\\\\{escaped}\" for a backslash, or use a `raw string`", i + 1);
                }
            }

            value.Append(c);
            i++;
        }
    }

    private static LogQlToken ReadNumber(string text, ref int i)
    {
        int start = i;
        if (text[i] == '-')
        {
            i++;
        }

        // Digits, a decimal point and unit letters (µ included) — compound durations alternate digits and units.
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or 'µ'))
        {
            i++;
        }

        string raw = text[start..i];
        int column = start + 1;
        if (double.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            return new LogQlToken(LogQlTokenKind.Number, raw, column, raw, number);
        }

        if (!raw.StartsWith('-'))
        {
            if (TryDurationSeconds(raw, out double seconds))
            {
                return new LogQlToken(LogQlTokenKind.Duration, raw, column, raw, seconds);
            }

            int unitStart = raw.Length;
            while (unitStart > 0 && char.IsAsciiLetter(raw[unitStart - 1]))
            {
                unitStart--;
            }

            if (unitStart > 0 && ByteUnits.TryGetValue(raw[unitStart..], out double multiplier)
                && double.TryParse(raw[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return new LogQlToken(LogQlTokenKind.Bytes, raw, column, raw, amount * multiplier);
            }
        }

        throw new LogQlSyntaxException(
            $"invalid number \"{raw}\" at column {column}: expected a number (500), a duration (250ms, 1m30s) or a byte size (10KB, 2MiB)", column);
    }

    /// <summary>Go-style durations: one or more number+unit parts, e.g. 1h30m, 1.5s, 250ms.</summary>
    private static bool TryDurationSeconds(string raw, out double seconds)
    {
        seconds = 0;
        int i = 0;
        bool any = false;
        while (i < raw.Length)
        {
            int numberStart = i;
            while (i < raw.Length && (char.IsAsciiDigit(raw[i]) || raw[i] == '.'))
            {
                i++;
            }

            if (i == numberStart || !double.TryParse(raw.AsSpan(numberStart, i - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return false;
            }

            int at = i;
            var unit = DurationUnits.FirstOrDefault(u => raw.AsSpan(at).StartsWith(u.Unit, StringComparison.Ordinal));
            if (unit.Unit is null)
            {
                return false;
            }

            seconds += amount * unit.Seconds;
            i += unit.Unit.Length;
            any = true;
        }

        return any;
    }
}
