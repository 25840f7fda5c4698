using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AegisGuard.Pipeline;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// Builds an item's attributes as one JSON object text: the explicit <c>attributes</c> object plus any fields
/// the schema does not know (so nothing a sender sends is dropped). Every string value, at any depth, passes
/// through the scrubber when there is one. Reused across items of a batch (not thread-safe).
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
    private Func<string, string>? scrub;
    private bool writing = true;

    public AttributeWriter() => writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });

    /// <summary>Starts an item. With <paramref name="write"/> false nothing is written and <see cref="End"/> returns "{}".</summary>
    public void Begin(Func<string, string>? scrubber, bool write = true)
    {
        scrub = scrubber;
        writing = write;
        keys.Clear();
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
            writer.WritePropertyName(name);
            WriteValue(property.Value);
        }

        return true;
    }

    public string End()
    {
        writer.WriteEndObject();
        writer.Flush();
        return keys.Count == 0 || !writing ? "{}" : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string FieldPath(JsonProperty? parent, string name) => parent is { } p ? $"{p.Name}.{name}" : name;

    private void WriteValue(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                if (scrub is not null && PiiScrubber.MayNeedScrubbing(JsonMarshal.GetRawUtf8Value(value)))
                {
                    writer.WriteStringValue(scrub(value.GetString()!));
                }
                else
                {
                    value.WriteTo(writer); // copied as is: no string is made
                }

                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    ReadOnlySpan<byte> rawName = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (rawName.Contains((byte)'\\'))
                    {
                        writer.WritePropertyName(property.Name);
                    }
                    else
                    {
                        writer.WritePropertyName(rawName);
                    }

                    WriteValue(property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(item);
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
