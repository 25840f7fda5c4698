using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AegisGuard.Pipeline;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// Builds an item's attributes as one JSON object text: the explicit <c>attributes</c> object plus any fields
/// the schema does not know (so nothing a sender sends is dropped). With a scrubber, every name and every string or
/// number value, at any depth, passes through it: names are scrubbed like text, a value under a secret name
/// (<c>password</c>, <c>authorization</c>, <c>api_key</c>…) is redacted whole, and a number that turns out to be a card or
/// an SSN is stored as the string that replaces it. Reused across items of a batch (not thread-safe).
/// Hot path: values are copied from the JSON without becoming strings unless the scrubber needs to see them, and
/// a validation pass (<see cref="Begin"/> with <c>write: false</c>) checks names and counts without writing.
/// </summary>
public sealed class AttributeWriter : IDisposable
{
    public const int MaxKeys = 256;
    public const int MaxKeyLength = 256;
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter writer;
    private readonly List<string> keys = [];
    private PiiScrubber? scrubber;
    private bool writing = true;

    public AttributeWriter() => writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });

    /// <summary>Starts an item. With <paramref name="write"/> false nothing is written and <see cref="End"/> returns "{}".</summary>
    public void Begin(PiiScrubber? scrubber, bool write = true)
    {
        this.scrubber = scrubber;
        writing = write;
        keys.Clear();
        scrubbedNames?.Clear();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
    }

    /// <summary>Adds every property of the explicit attributes object; false (with an error) when it is not an object.</summary>
    public bool AddObject(JsonProperty attributes, int index, DecodeContext context)
    {
        if (attributes.Value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (attributes.Value.ValueKind != JsonValueKind.Object)
        {
            context.Fail(index, attributes.Name, $"must be an object, not {FieldReader.Describe(attributes.Value.ValueKind)}");
            return false;
        }

        foreach (var property in attributes.Value.EnumerateObject())
        {
            if (!Add(property, attributes, index, context))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds one unknown top-level field as an attribute.</summary>
    public bool Add(JsonProperty property, int index, DecodeContext context) => Add(property, parent: null, index, context);

    private bool Add(JsonProperty property, JsonProperty? parent, int index, DecodeContext context)
    {
        string name = property.Name;
        if (name.Length is 0 or > MaxKeyLength)
        {
            context.Fail(index, FieldPath(parent, name), $"attribute names must have 1 to {MaxKeyLength} characters");
            return false;
        }

        if (keys.Count >= MaxKeys)
        {
            context.Fail(index, FieldPath(parent, name), $"an item may carry at most {MaxKeys} attributes");
            return false;
        }

        if (keys.Contains(name))
        {
            return true; // the explicit attributes object wins over a same-named top-level field
        }

        keys.Add(name);
        if (writing)
        {
            string written = ScrubName(name, ref scrubbedNames);
            writer.WritePropertyName(written);
            WriteValue(name, property.Value);
        }

        return true;
    }

    // Names that scrubbing changed at the top level of this item, so two of them that became the same marker
    // ("[REDACTED:email]") get distinct names instead of a duplicate key.
    private List<string>? scrubbedNames;

    public string End()
    {
        writer.WriteEndObject();
        writer.Flush();
        return keys.Count == 0 || !writing ? "{}" : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string FieldPath(JsonProperty? parent, string name) => parent is { } p ? $"{p.Name}.{name}" : name;

    /// <summary>The name as stored: scrubbed, and made unique when scrubbing made it equal to an earlier one.</summary>
    private string ScrubName(string name, ref List<string>? changed)
    {
        if (scrubber is null)
        {
            return name;
        }

        string scrubbed = scrubber.Scrub(name);
        if (ReferenceEquals(scrubbed, name))
        {
            return name;
        }

        changed ??= [];
        string unique = scrubbed;
        for (int n = 2; changed.Contains(unique); n++)
        {
            unique = $"{scrubbed}~{n}";
        }

        changed.Add(unique);
        return unique;
    }

    /// <param name="name">The nearest property name above the value (raw): it decides whether the value is a secret.</param>
    /// <param name="value">The value to copy, scrubbed.</param>
    private void WriteValue(string? name, JsonElement value)
    {
        if (scrubber is not null && name is not null && value.ValueKind != JsonValueKind.Null && PiiScrubber.IsSecretName(name))
        {
            writer.WriteStringValue(PiiScrubber.SecretMarker);
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                if (scrubber is not null && scrubber.MayNeedScrubbing(JsonMarshal.GetRawUtf8Value(value)))
                {
                    writer.WriteStringValue(scrubber.ScrubValue(name, value.GetString()!));
                }
                else
                {
                    value.WriteTo(writer); // copied as is: no string is made
                }

                break;
            case JsonValueKind.Number:
                // No SSN or card has fewer than 9 digits; a number that is one is stored as the text replacing it.
                if (scrubber is not null && JsonMarshal.GetRawUtf8Value(value).Length >= 9 &&
                    scrubber.ScrubNumber(name, value.GetRawText()) is { } replaced)
                {
                    writer.WriteStringValue(replaced);
                }
                else
                {
                    value.WriteTo(writer);
                }

                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                List<string>? changed = null;
                foreach (var property in value.EnumerateObject())
                {
                    ReadOnlySpan<byte> rawName = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (scrubber is not null && scrubber.MayNeedScrubbing(rawName))
                    {
                        writer.WritePropertyName(ScrubName(property.Name, ref changed));
                    }
                    else if (rawName.Contains((byte)'\\'))
                    {
                        writer.WritePropertyName(property.Name);
                    }
                    else
                    {
                        writer.WritePropertyName(rawName);
                    }

                    WriteValue(property.Name, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(name, item);
                }

                writer.WriteEndArray();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    public void Dispose() => writer.Dispose();
}
