using System.Text;
using System.Text.Json;

namespace AegisGuard.Storage.Parquet.Logs;

/// <summary>
/// The fields <c>| json</c> extracts from a line, as Grafana Loki's JSON parser (pkg/logql/log/parser.go) names them:
/// a line that is a JSON object (white space before it allowed) yields every string, number and boolean, nested
/// objects flattened with <c>_</c> (<c>{"user":{"plan":"pro"}}</c> → <c>user_plan</c>), keys sanitised to label names
/// (<c>content-type</c> → <c>content_type</c>), arrays and nulls skipped, numbers kept as written (<c>2.50</c>,
/// <c>1e1</c>), the first field of a name winning. Fields before a syntax error are kept, as Loki keeps them.
/// As an extension, a dotted name (<c>user.plan</c>, no label name) finds the field by its path of raw keys.
/// </summary>
internal static class JsonFields
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The value of field <paramref name="name"/>, or null when the line has none.</summary>
    public static string? Find(string line, string name)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(name);
        string? found = null;
        bool path = !LabelNames.IsLabelName(name);
        Walk(line, (label, raw, value) =>
        {
            if (string.Equals(label, name, StringComparison.Ordinal) || (path && string.Equals(raw, name, StringComparison.Ordinal)))
            {
                found = value;
                return false;
            }

            return true;
        });
        return found;
    }

    /// <summary>Every field of the line in order, the first of a name only.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> All(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(line, (label, _, value) =>
        {
            if (seen.Add(label))
            {
                fields.Add(new KeyValuePair<string, string>(label, value));
            }

            return true;
        });
        return fields;
    }

    // Calls visit(label, dotted raw path, value) for each scalar field in document order until it returns false.
    private static void Walk(string line, Func<string, string, string, bool> visit)
    {
        int first = 0;
        while (first < line.Length && line[first] is ' ' or '\t' or '\n' or '\r')
        {
            first++;
        }

        if (first >= line.Length || line[first] != '{')
        {
            return;
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(line);
        var reader = new Utf8JsonReader(utf8, Options);
        var prefix = new List<string>();
        try
        {
            reader.Read();
            Object(ref reader, prefix, visit);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed from here on: the fields already visited stay, as in Loki.
        }
    }

    // Reads the members of the object whose StartObject the reader is on; false when the visitor stopped.
    private static bool Object(ref Utf8JsonReader reader, List<string> prefix, Func<string, string, string, bool> visit)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString() ?? string.Empty;
            reader.Read();
            string? value = null;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    prefix.Add(key);
                    bool go = Object(ref reader, prefix, visit);
                    prefix.RemoveAt(prefix.Count - 1);
                    if (!go)
                    {
                        return false;
                    }

                    continue;
                case JsonTokenType.StartArray:
                    reader.Skip();
                    continue;
                case JsonTokenType.String:
                    value = reader.GetString();
                    break;
                case JsonTokenType.Number:
                    value = Encoding.UTF8.GetString(reader.ValueSpan); // one buffer: never a sequence
                    break;
                case JsonTokenType.True:
                    value = "true";
                    break;
                case JsonTokenType.False:
                    value = "false";
                    break;
                default:
                    continue;
            }

            string? label = Label(prefix, key);
            if (label is not null && value is not null && !visit(label, Raw(prefix, key), value))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Label(List<string> prefix, string key)
    {
        var label = new StringBuilder();
        foreach (string part in prefix)
        {
            AppendPart(label, part);
        }

        AppendPart(label, key);
        if (label.Length == 0)
        {
            return null;
        }

        string name = label.ToString();
        return LabelNames.IsStreamLabel(name) ? name + LabelNames.DuplicateSuffix : name;
    }

    private static void AppendPart(StringBuilder label, string part)
    {
        if (part.Trim().Length == 0)
        {
            return;
        }

        if (label.Length > 0)
        {
            label.Append('_');
        }

        LabelNames.Append(label, part);
    }

    private static string Raw(List<string> prefix, string key) => prefix.Count == 0 ? key : string.Join('.', prefix) + "." + key;
}
