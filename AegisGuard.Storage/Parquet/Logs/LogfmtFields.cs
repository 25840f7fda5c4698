using System.Text;

namespace AegisGuard.Storage.Parquet.Logs;

/// <summary>
/// The fields <c>| logfmt</c> extracts from a line, as Grafana Loki's logfmt decoder (pkg/logql/log/logfmt) tokenises
/// them: keys run to <c>=</c> or white space, a value is either bare (up to white space) or quoted with JSON-style
/// escapes; a pair that does not scan (a bare value holding <c>=</c> or <c>"</c>, a key holding <c>"</c>, a broken
/// quote) is skipped and scanning goes on. Keys are sanitised to label names (non-identifier characters become
/// <c>_</c>, a leading digit gets a <c>_</c> prefix), empty values are not extracted, and the first pair of a name wins.
/// </summary>
internal static class LogfmtFields
{
    /// <summary>The value of field <paramref name="name"/> (a sanitised name), or null when the line has none.</summary>
    public static string? Find(string line, string name)
    {
        ArgumentNullException.ThrowIfNull(line);
        // A name that is no label name (http.route) is looked up as the raw key too: an extension of Loki.
        bool rawKey = !LabelNames.IsLabelName(name);
        var decoder = new Decoder(line);
        while (!decoder.AtEnd)
        {
            if (!decoder.ScanPair(out string? key, out string? value) || key is null)
            {
                continue;
            }

            string label = LabelNames.Sanitize(key);
            if (label.Length == 0)
            {
                continue;
            }

            // A key that names a stream label is extracted as <name>_extracted, as in Loki.
            if (LabelNames.IsStreamLabel(label))
            {
                label += LabelNames.DuplicateSuffix;
            }

            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (string.Equals(label, name, StringComparison.Ordinal) || (rawKey && string.Equals(key, name, StringComparison.Ordinal)))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every field of the line in order, first of a name only (for tests and the page's field list).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> All(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var decoder = new Decoder(line);
        while (!decoder.AtEnd)
        {
            if (!decoder.ScanPair(out string? key, out string? value) || key is null || string.IsNullOrEmpty(value))
            {
                continue;
            }

            string label = LabelNames.Sanitize(key);
            if (label.Length > 0 && LabelNames.IsStreamLabel(label))
            {
                label += LabelNames.DuplicateSuffix;
            }

            if (label.Length > 0 && seen.Add(label))
            {
                fields.Add(new KeyValuePair<string, string>(label, value));
            }
        }

        return fields;
    }

    // A port of go-logfmt's decoder as Loki adapted it, over UTF-16 text: every byte it tests is ASCII.
    private ref struct Decoder(string line)
    {
        private int pos;

        public readonly bool AtEnd => pos >= line.Length;

        public bool ScanPair(out string? key, out string? value)
        {
            key = null;
            value = null;

            // Skip anything up to and including space (control characters too).
            while (pos < line.Length && line[pos] <= ' ')
            {
                pos++;
            }

            if (pos >= line.Length)
            {
                return false;
            }

            int start = pos;
            while (pos < line.Length)
            {
                char c = line[pos];
                if (c == '=')
                {
                    if (pos == start)
                    {
                        return SkipValue();
                    }

                    key = line[start..pos];
                    return ScanValue(out value);
                }

                if (c == '"')
                {
                    return SkipValue();
                }

                if (c <= ' ')
                {
                    key = line[start..pos];
                    return true;
                }

                pos++;
            }

            key = line[start..pos];
            return true;
        }

        private bool ScanValue(out string? value)
        {
            value = null;
            pos++;
            if (pos >= line.Length || line[pos] <= ' ')
            {
                return true;
            }

            if (line[pos] == '"')
            {
                return ScanQuoted(out value);
            }

            int start = pos;
            while (pos < line.Length)
            {
                char c = line[pos];
                if (c is '=' or '"')
                {
                    return SkipValue();
                }

                if (c <= ' ')
                {
                    break;
                }

                pos++;
            }

            value = pos > start ? line[start..pos] : null;
            return true;
        }

        private bool ScanQuoted(out string? value)
        {
            value = null;
            int start = pos;
            bool escaped = false, hasEscape = false;
            for (int i = pos + 1; i < line.Length; i++)
            {
                char c = line[i];
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    hasEscape = escaped = true;
                }
                else if (c == '"')
                {
                    pos = i + 1;
                    if (!hasEscape)
                    {
                        value = i - 1 > start ? line[(start + 1)..i] : null;
                        return true;
                    }

                    value = Unquote(line.AsSpan(start + 1, i - start - 1));
                    return value is not null;
                }
            }

            pos = line.Length;
            return false;
        }

        private bool SkipValue()
        {
            while (pos < line.Length && line[pos] > ' ')
            {
                pos++;
            }

            return false;
        }
    }

    // JSON string unescaping as logfmt's unquoteBytes does it (plus \' as Loki allows); null when invalid.
    private static string? Unquote(ReadOnlySpan<char> text)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"')
            {
                return null;
            }

            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (++i >= text.Length)
            {
                return null;
            }

            switch (text[i])
            {
                case '"' or '\\' or '/' or '\'':
                    result.Append(text[i]);
                    break;
                case 'b':
                    result.Append('\b');
                    break;
                case 'f':
                    result.Append('\f');
                    break;
                case 'n':
                    result.Append('\n');
                    break;
                case 'r':
                    result.Append('\r');
                    break;
                case 't':
                    result.Append('\t');
                    break;
                case 'u' when i + 4 < text.Length && ushort.TryParse(text.Slice(i + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out ushort unit):
                    i += 4;
                    if (char.IsHighSurrogate((char)unit) && i + 6 < text.Length + 0 && text[i + 1] == '\\' && text[i + 2] == 'u'
                        && ushort.TryParse(text.Slice(i + 3, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out ushort low)
                        && char.IsLowSurrogate((char)low))
                    {
                        result.Append((char)unit).Append((char)low);
                        i += 6;
                    }
                    else
                    {
                        result.Append(char.IsSurrogate((char)unit) ? '\uFFFD' : (char)unit);
                    }

                    break;
                default:
                    return null;
            }
        }

        return result.ToString();
    }
}
