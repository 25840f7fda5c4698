using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// A decoder's known field names, matched against an item's property names on their UTF-8 bytes: reading
/// <see cref="JsonProperty.Name"/> allocates a string for every field of every item, which for 1,000-item batches
/// decoded twice (validation, then the normalizer) was most of ingestion's garbage. Unknown names still cost one.
/// </summary>
internal sealed class FieldNames
{
    private readonly string[] names;
    private readonly byte[][] utf8;

    // The known names grouped by their UTF-8 length: most names an item carries are told apart by length alone.
    private readonly byte[][][] byLength;

    public FieldNames(params string[] names)
    {
        this.names = names;
        utf8 = names.Select(Encoding.UTF8.GetBytes).ToArray();
        byLength = new byte[utf8.Max(n => n.Length) + 1][][];
        for (int length = 0; length < byLength.Length; length++)
        {
            byLength[length] = utf8.Where(n => n.Length == length).ToArray();
        }
    }

    /// <summary>The known name <paramref name="property"/> carries (the same string instance each time), or null.</summary>
    public string? Match(JsonProperty property)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Contains((byte)'\\'))
        {
            // An escaped name (rare): compare its unescaped text.
            string name = property.Name;
            return Array.Find(names, known => string.Equals(known, name, StringComparison.Ordinal));
        }

        return Match(raw);
    }

    /// <summary>The known name whose UTF-8 bytes are <paramref name="unescaped"/> (the same string instance each time), or null.</summary>
    public string? Match(ReadOnlySpan<byte> unescaped)
    {
        for (int i = 0; i < utf8.Length; i++)
        {
            if (unescaped.SequenceEqual(utf8[i]))
            {
                return names[i];
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="utf8"/> (an unescaped name) is one of the known names.</summary>
    public bool Contains(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length >= byLength.Length)
        {
            return false;
        }

        foreach (byte[] known in byLength[utf8.Length])
        {
            if (utf8.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }
}
