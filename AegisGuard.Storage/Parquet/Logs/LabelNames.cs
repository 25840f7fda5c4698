using System.Text;

namespace AegisGuard.Storage.Parquet.Logs;

/// <summary>
/// Label names of fields that <c>| json</c> and <c>| logfmt</c> extract, as Loki forms them (pkg/logql/log/util.go):
/// trimmed, every character outside <c>[A-Za-z0-9_]</c> replaced by <c>_</c>, a leading digit prefixed with <c>_</c>,
/// and a name that collides with a stream label suffixed with <c>_extracted</c>.
/// </summary>
internal static class LabelNames
{
    /// <summary>The suffix Loki gives a parsed field whose name a stream label (or structured metadata) already has.</summary>
    public const string DuplicateSuffix = "_extracted";

    /// <summary>Whether <paramref name="name"/> is a column-backed label (service, level, host, trace_id, span_id).</summary>
    public static bool IsStreamLabel(string name) => name is "service" or "level" or "host" or "trace_id" or "span_id";

    /// <summary>Whether <paramref name="name"/> is already a label name (<c>[A-Za-z_][A-Za-z0-9_]*</c>).</summary>
    public static bool IsLabelName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Loki's sanitizeLabelKey(key, isPrefix: true): empty when nothing is left after trimming.</summary>
    public static string Sanitize(string key) => Append(new StringBuilder(key.Length + 1), key).ToString();

    /// <summary>
    /// Appends the sanitised <paramref name="key"/> (Loki's appendSanitized): the leading-digit prefix is only added
    /// when <paramref name="to"/> is still empty, so nested parts keep their digits.
    /// </summary>
    public static StringBuilder Append(StringBuilder to, string key)
    {
        string trimmed = key.Trim();
        if (trimmed.Length == 0)
        {
            return to;
        }

        if (to.Length == 0 && char.IsAsciiDigit(trimmed[0]))
        {
            to.Append('_');
        }

        foreach (var rune in trimmed.EnumerateRunes())
        {
            to.Append(rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value == '_') ? (char)rune.Value : '_');
        }

        return to;
    }
}
