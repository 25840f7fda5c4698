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

    public FieldNames(params string[] names)
    {
        this.names = names;
        utf8 = names.Select(Encoding.UTF8.GetBytes).ToArray();
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

        for (int i = 0; i < utf8.Length; i++)
        {
            if (raw.SequenceEqual(utf8[i]))
            {
                return names[i];
            }
        }

        return null;
    }
}
