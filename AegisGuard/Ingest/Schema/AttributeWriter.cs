using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// Builds an item's attributes as one JSON object text: the explicit <c>attributes</c> object plus any fields
/// the schema does not know (so nothing a sender sends is dropped). Every string value, at any depth, passes
/// through the scrubber when there is one. Reused across items of a batch (not thread-safe).
/// </summary>
public sealed class AttributeWriter : IDisposable
{
    public const int MaxKeys = 256;
    public const int MaxKeyLength = 256;
    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter writer;
    private readonly List<string> keys = [];
    private Func<string, string>? scrub;

    public AttributeWriter() => writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });

    public void Begin(Func<string, string>? scrubber)
    {
        scrub = scrubber;
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
            if (!Add(property, $"{attributes.Name}.{property.Name}", index, context))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds one property (an unknown top-level field or an attribute).</summary>
    public bool Add(JsonProperty property, string fieldPath, int index, DecodeContext context)
    {
        if (property.Name.Length is 0 or > MaxKeyLength)
        {
            context.Fail(index, fieldPath, $"attribute names must have 1 to {MaxKeyLength} characters");
            return false;
        }

        if (keys.Count >= MaxKeys)
        {
            context.Fail(index, fieldPath, $"an item may carry at most {MaxKeys} attributes");
            return false;
        }

        if (keys.Contains(property.Name))
        {
            return true; // the explicit attributes object wins over a same-named top-level field
        }

        keys.Add(property.Name);
        writer.WritePropertyName(property.Name);
        WriteValue(property.Value);
        return true;
    }

    public string End()
    {
        writer.WriteEndObject();
        writer.Flush();
        return keys.Count == 0 ? "{}" : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteValue(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                string text = value.GetString()!;
                writer.WriteStringValue(scrub is null ? text : scrub(text));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
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
