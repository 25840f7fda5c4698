using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// One forward-only pass over a batch's bytes before any decoder reads them. It refuses what the decoders, the
/// scrubber or the store would choke on after the 202: invalid UTF-8 and lone surrogate escapes in any name or
/// value at any depth (<see cref="JsonElement.GetString"/> and <see cref="JsonProperty.Name"/> throw on them),
/// duplicate property names in any object (which copy would be stored?), numbers beyond a double, and items that
/// nest too deep or carry too many attribute bytes (<see cref="WireLimits"/>). A problem inside an item is an item
/// error (422 naming the item and the path inside it, e.g. <c>attributes.user.name</c>); a problem anywhere else
/// makes the whole body malformed (400).
/// Hot path: a valid batch costs one reader pass and no allocation (the scratch state is reused per thread); strings
/// are checked on their raw bytes and only those holding an escape are looked at twice.
/// </summary>
internal sealed class WireValidator
{
    /// <summary>Objects with more names than this detect duplicates by hash instead of comparing every pair.</summary>
    private const int LinearNameLimit = 16;

    /// <summary>Only bodies nested deeper than this are unreadable as JSON; everything below gets a precise answer.</summary>
    private const int ReaderMaxDepth = 4096;

    /// <summary>Scratch up to this size is kept for the thread's next batch (about what a normal batch needs).</summary>
    private const int KeptScratchBytes = 64 * 1024;

    private static readonly string TooDeepReason =
        $"nests objects and arrays more than {WireLimits.MaxItemDepth} levels deep inside the item (the attributes object is level 1); flatten the data or send it as a string";

    [ThreadStatic]
    private static WireValidator? cached;

    // Frames of the open containers, outermost first; containers deeper than the body limit are counted, not kept
    // (the body is refused by then).
    private readonly Frame[] frames = new Frame[WireLimits.MaxBodyDepth + 1];
    private Name[] names = new Name[64];
    private byte[] unescaped = new byte[512];
    private int nameCount;
    private int unescapedLength;

    private DecodeContext context = null!;
    private int depth;
    private Segment pending;
    private Zone pendingZone;
    private bool itemsSeen;
    private int itemCount;
    private int item;
    private int itemFrame;
    private int attributeBytes;
    private bool depthReported;
    private bool bytesReported;
    private string? bodyProblem;

    private enum Zone : byte
    {
        /// <summary>The body outside the items array.</summary>
        Envelope,

        /// <summary>The value of the first root property named like the items array (an array, if the body is right).</summary>
        ItemsCandidate,
        Items,
        Item,

        /// <summary>Inside a field the schema knows; its own rules (length, type) are the decoder's.</summary>
        Field,

        /// <summary>Inside the attributes object or a field the schema does not know (kept as an attribute).</summary>
        Attribute,
    }

    private enum TextProblem : byte
    {
        None,
        InvalidUtf8,
        LoneHighSurrogate,
        LoneLowSurrogate,
    }

    /// <summary>
    /// Checks <paramref name="json"/>; item errors go to <paramref name="context"/>. The outcome is
    /// <see cref="DecodeOutcome.Ok"/> when the decoders may read the body.
    /// </summary>
    public static WireCheck Check(ReadOnlySpan<byte> json, ReadOnlySpan<byte> itemsProperty, int maxItems, FieldNames knownFields, DecodeContext context)
    {
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new WireCheck(DecodeOutcome.Malformed, 0, "the body starts with a UTF-8 byte order mark (EF BB BF); send the JSON text without it");
        }

        var validator = cached ?? new WireValidator();
        cached = null;
        try
        {
            return validator.Run(json, itemsProperty, maxItems, knownFields, context);
        }
        catch (JsonException ex)
        {
            return new WireCheck(DecodeOutcome.Malformed, 0, $"the body is not valid JSON: {ex.Message}");
        }
        finally
        {
            validator.Release();
            cached = validator;
        }
    }

    /// <summary>Forgets the batch; scratch that a hostile body made large is dropped so a thread does not keep it.</summary>
    private void Release()
    {
        context = null!;
        if (unescaped.Length > KeptScratchBytes)
        {
            unescaped = new byte[512];
        }

        if (names.Length > KeptScratchBytes / 16)
        {
            names = new Name[64];
        }

        foreach (ref var frame in frames.AsSpan())
        {
            if (frame.Hashes is { Count: > KeptScratchBytes / 16 })
            {
                frame.Hashes = null;
            }
        }
    }

    private WireCheck Run(ReadOnlySpan<byte> json, ReadOnlySpan<byte> itemsProperty, int maxItems, FieldNames knownFields, DecodeContext decodeContext)
    {
        context = decodeContext;
        depth = 0;
        nameCount = 0;
        unescapedLength = 0;
        pending = Segment.None;
        pendingZone = Zone.Envelope;
        itemsSeen = false;
        itemCount = 0;
        item = -1;
        bodyProblem = null;

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ReaderMaxDepth });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    OnName(ref reader, json, itemsProperty, knownFields);
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    OnContainerStart(json, reader.TokenType == JsonTokenType.StartObject);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    OnContainerEnd();
                    break;
                case JsonTokenType.String:
                    OnString(ref reader, json);
                    break;
                case JsonTokenType.Number:
                    OnNumber(ref reader, json);
                    break;
                default: // true, false, null
                    if (BeginValue(isObject: false, isArray: false, out _) == Zone.Attribute)
                    {
                        AddAttributeBytes(reader.ValueSpan.Length);
                    }

                    break;
            }
        }

        if (bodyProblem is not null)
        {
            return new WireCheck(DecodeOutcome.Malformed, itemCount, bodyProblem);
        }

        if (itemCount > maxItems)
        {
            return new WireCheck(DecodeOutcome.TooManyItems, itemCount, null);
        }

        return new WireCheck(context.HasErrors ? DecodeOutcome.Invalid : DecodeOutcome.Ok, itemCount, null);
    }

    private void OnName(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ReadOnlySpan<byte> itemsProperty, FieldNames knownFields)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        bool escaped = reader.ValueIsEscaped;
        pending = Segment.ForName(OffsetIn(json, raw), raw.Length);
        bool tracked = depth <= frames.Length;
        Zone parentZone = frames[Math.Min(depth, frames.Length) - 1].Zone;
        pendingZone = parentZone == Zone.Item ? Zone.Attribute : parentZone;

        var problem = CheckText(raw, escaped, out string detail);
        if (problem != TextProblem.None)
        {
            Report(json, depth, pending, "is a property name that " + detail);
        }
        else if (tracked)
        {
            ReadOnlySpan<byte> name = raw;
            var entry = new Name(OffsetIn(json, raw), raw.Length, InSource: true);
            if (escaped)
            {
                int start = Unescape(ref reader, raw.Length, out int length);
                name = unescaped.AsSpan(start, length);
                entry = new Name(start, length, InSource: false);
            }

            if (IsDuplicate(ref frames[depth - 1], entry, name, json))
            {
                Report(json, depth, pending, "appears twice in the same object; each property name may appear only once");
            }

            if (parentZone == Zone.Envelope && depth == 1 && !itemsSeen && name.SequenceEqual(itemsProperty))
            {
                itemsSeen = true;
                pendingZone = Zone.ItemsCandidate;
            }
            else if (parentZone == Zone.Item)
            {
                pendingZone = name.SequenceEqual("attributes"u8) || !knownFields.Contains(name) ? Zone.Attribute : Zone.Field;
            }
        }

        if (pendingZone == Zone.Attribute)
        {
            if (parentZone == Zone.Attribute && raw.Length > WireLimits.MaxAttributeStringBytes && (!escaped || UnescapedLength(raw) > WireLimits.MaxAttributeStringBytes))
            {
                Report(json, depth, pending, $"is a property name of {raw.Length} bytes; a name inside attributes may have at most {WireLimits.MaxAttributeStringBytes} bytes");
            }

            AddAttributeBytes(raw.Length);
        }
    }

    private void OnContainerStart(ReadOnlySpan<byte> json, bool isObject)
    {
        int parents = depth;
        var zone = BeginValue(isObject, !isObject, out var segment);
        depth++;
        if (item >= 0 && zone != Zone.Items)
        {
            if (depth - 1 - itemFrame > WireLimits.MaxItemDepth && !depthReported)
            {
                depthReported = true;
                context.Fail(item, PathInItem(json, parents, segment), TooDeepReason);
            }
        }
        else if (depth > WireLimits.MaxBodyDepth)
        {
            bodyProblem ??= $"the body nests objects and arrays more than {WireLimits.MaxBodyDepth} levels deep";
        }

        if (depth <= frames.Length)
        {
            ref var frame = ref frames[depth - 1];
            frame.IsObject = isObject;
            frame.Zone = zone;
            frame.Segment = segment;
            frame.ArrayIndex = 0;
            frame.FirstName = nameCount;
            frame.FirstUnescaped = unescapedLength;
            frame.Hashing = false;
        }
    }

    private void OnContainerEnd()
    {
        depth--;
        if (depth < frames.Length)
        {
            ref var frame = ref frames[depth];
            nameCount = frame.FirstName;
            unescapedLength = frame.FirstUnescaped;
            if (frame.Zone == Zone.Items)
            {
                item = -1;
            }
        }
    }

    private void OnString(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int parents = depth;
        var zone = BeginValue(isObject: false, isArray: false, out var segment);
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        bool escaped = reader.ValueIsEscaped;
        var problem = CheckText(raw, escaped, out string detail);
        if (problem != TextProblem.None)
        {
            Report(json, parents, segment, detail);
        }
        else if (zone == Zone.Attribute && raw.Length > WireLimits.MaxAttributeStringBytes)
        {
            int length = escaped ? UnescapedLength(raw) : raw.Length;
            if (length > WireLimits.MaxAttributeStringBytes)
            {
                Report(json, parents, segment, $"is {length} bytes long (UTF-8); an attribute string may have at most {WireLimits.MaxAttributeStringBytes} bytes (put long text in the message)");
            }
        }

        if (zone == Zone.Attribute)
        {
            AddAttributeBytes(raw.Length);
        }
    }

    private void OnNumber(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        int parents = depth;
        var zone = BeginValue(isObject: false, isArray: false, out var segment);
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        // Parsing every number was a fifth of this pass. Without an exponent, 15 characters (sign, digits and point)
        // stay below 1e15, so only longer numbers or ones with an exponent can be out of range, and only they are parsed.
        if ((raw.Length > 15 || raw.IndexOfAny((byte)'e', (byte)'E') >= 0) && (!reader.TryGetDouble(out double value) || !double.IsFinite(value)))
        {
            string shown = raw.Length > 40 ? Encoding.UTF8.GetString(raw[..40]) + $"… ({raw.Length} digits)" : Encoding.UTF8.GetString(raw);
            Report(json, parents, segment, $"is {shown}, beyond the range of a 64-bit floating-point number (±1.7976931348623157e308)");
        }

        if (zone == Zone.Attribute)
        {
            AddAttributeBytes(raw.Length);
        }
    }

    /// <summary>Places a value in its parent: its path segment and zone; an element of the items array starts an item.</summary>
    private Zone BeginValue(bool isObject, bool isArray, out Segment segment)
    {
        if (depth == 0)
        {
            segment = Segment.None;
            return Zone.Envelope;
        }

        if (depth > frames.Length)
        {
            segment = Segment.None;
            return frames[^1].Zone == Zone.Item ? Zone.Attribute : frames[^1].Zone;
        }

        ref var parent = ref frames[depth - 1];
        if (parent.IsObject)
        {
            segment = pending;
            if (pendingZone != Zone.ItemsCandidate)
            {
                return pendingZone;
            }

            return isArray ? Zone.Items : Zone.Envelope;
        }

        segment = Segment.ForIndex(parent.ArrayIndex++);
        if (parent.Zone != Zone.Items)
        {
            return parent.Zone;
        }

        item = parent.ArrayIndex - 1;
        itemCount++;
        itemFrame = depth;
        attributeBytes = 0;
        depthReported = false;
        bytesReported = false;
        return isObject ? Zone.Item : Zone.Field;
    }

    private void AddAttributeBytes(int count)
    {
        attributeBytes += count;
        if (attributeBytes > WireLimits.MaxAttributeBytes && !bytesReported && item >= 0)
        {
            bytesReported = true;
            context.Fail(item, "attributes", $"take more than {WireLimits.MaxAttributeBytes} bytes as sent (the attributes object and the fields the schema does not know, names and values); that is the limit per item");
        }
    }

    private void Report(ReadOnlySpan<byte> json, int parents, Segment segment, string reason)
    {
        if (item >= 0)
        {
            context.Fail(item, PathInItem(json, parents, segment), reason);
        }
        else
        {
            string path = PathInBody(json, parents, segment);
            bodyProblem ??= $"{(path.Length == 0 ? "the body" : path)} {reason}";
        }
    }

    /// <summary>The path inside the current item (empty for the item itself), e.g. <c>attributes.tags[2]</c>.</summary>
    private string PathInItem(ReadOnlySpan<byte> json, int parents, Segment segment) =>
        parents == itemFrame ? string.Empty : Path(json, itemFrame + 1, parents, segment);

    private string PathInBody(ReadOnlySpan<byte> json, int parents, Segment segment) => Path(json, 1, parents, segment);

    private string Path(ReadOnlySpan<byte> json, int from, int parents, Segment segment)
    {
        var path = new StringBuilder();
        for (int i = from; i < Math.Min(parents, frames.Length); i++)
        {
            Append(path, json, frames[i].Segment);
        }

        if (parents > frames.Length)
        {
            path.Append(".…");
        }

        Append(path, json, segment);
        return path.ToString();
    }

    private static void Append(StringBuilder path, ReadOnlySpan<byte> json, Segment segment)
    {
        if (segment.Index >= 0)
        {
            path.Append('[').Append(segment.Index).Append(']');
        }
        else if (segment.Length >= 0)
        {
            if (path.Length > 0)
            {
                path.Append('.');
            }

            // As sent (escapes included); bytes that are not UTF-8 show as U+FFFD.
            path.Append(Encoding.UTF8.GetString(json.Slice(segment.Offset, Math.Min(segment.Length, 200))));
            if (segment.Length > 200)
            {
                path.Append('…');
            }
        }
    }

    private bool IsDuplicate(ref Frame frame, Name entry, ReadOnlySpan<byte> name, ReadOnlySpan<byte> json)
    {
        int count = nameCount - frame.FirstName;
        bool duplicate;
        if (count < LinearNameLimit)
        {
            duplicate = Find(frame.FirstName, name, json);
        }
        else
        {
            if (!frame.Hashing)
            {
                // Many names (rare): a hash set keeps a hostile object of thousands of keys linear.
                frame.Hashes ??= [];
                frame.Hashes.Clear();
                for (int i = frame.FirstName; i < nameCount; i++)
                {
                    frame.Hashes.Add(Hash(Text(names[i], json)));
                }

                frame.Hashing = true;
            }

            duplicate = !frame.Hashes!.Add(Hash(name)) && Find(frame.FirstName, name, json);
        }

        if (nameCount == names.Length)
        {
            Array.Resize(ref names, names.Length * 2);
        }

        names[nameCount++] = entry;
        return duplicate;
    }

    private bool Find(int first, ReadOnlySpan<byte> name, ReadOnlySpan<byte> json)
    {
        for (int i = first; i < nameCount; i++)
        {
            if (names[i].Length == name.Length && Text(names[i], json).SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    private ReadOnlySpan<byte> Text(Name name, ReadOnlySpan<byte> json) =>
        name.InSource ? json.Slice(name.Offset, name.Length) : unescaped.AsSpan(name.Offset, name.Length);

    private static int Hash(ReadOnlySpan<byte> name)
    {
        var hash = default(HashCode); // randomly seeded per process, so colliding names cannot be prepared
        hash.AddBytes(name);
        return hash.ToHashCode();
    }

    /// <summary>Unescapes the current name (already checked for lone surrogates) into the scratch buffer; returns where.</summary>
    private int Unescape(ref Utf8JsonReader reader, int rawLength, out int length)
    {
        if (unescapedLength + rawLength > unescaped.Length)
        {
            Array.Resize(ref unescaped, Math.Max(unescaped.Length * 2, unescapedLength + rawLength));
        }

        int start = unescapedLength;
        length = reader.CopyString(unescaped.AsSpan(start));
        unescapedLength += length;
        return start;
    }

    private static int OffsetIn(ReadOnlySpan<byte> json, ReadOnlySpan<byte> slice) =>
        (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(json), ref MemoryMarshal.GetReference(slice));

    /// <summary>Checks a string's raw bytes (between the quotes, escapes as sent); <paramref name="detail"/> says what is wrong.</summary>
    private static TextProblem CheckText(ReadOnlySpan<byte> raw, bool escaped, out string detail)
    {
        if (!Utf8.IsValid(raw))
        {
            int at = FirstInvalidByte(raw);
            detail = $"is not valid UTF-8 (byte 0x{raw[at]:X2} at position {at}); send UTF-8 text, and encode binary data (e.g. as base64)";
            return TextProblem.InvalidUtf8;
        }

        detail = string.Empty;
        if (!escaped)
        {
            return TextProblem.None;
        }

        int i = raw.IndexOf((byte)'\\');
        while (i >= 0)
        {
            if (raw[i + 1] != 'u')
            {
                i += 2;
            }
            else
            {
                int unit = Hex4(raw.Slice(i + 2, 4));
                if (unit is >= 0xD800 and <= 0xDBFF)
                {
                    if (i + 11 < raw.Length && raw[i + 6] == '\\' && raw[i + 7] == 'u' && Hex4(raw.Slice(i + 8, 4)) is >= 0xDC00 and <= 0xDFFF)
                    {
                        i += 12;
                    }
                    else
                    {
                        detail = $"holds the escape \\u{unit:x4}, a high surrogate without the low surrogate (\\udc00–\\udfff) that must follow it; that is not Unicode text and cannot be stored";
                        return TextProblem.LoneHighSurrogate;
                    }
                }
                else if (unit is >= 0xDC00 and <= 0xDFFF)
                {
                    detail = $"holds the escape \\u{unit:x4}, a low surrogate without the high surrogate (\\ud800–\\udbff) that must come before it; that is not Unicode text and cannot be stored";
                    return TextProblem.LoneLowSurrogate;
                }
                else
                {
                    i += 6;
                }
            }

            int next = i < raw.Length ? raw[i..].IndexOf((byte)'\\') : -1;
            i = next < 0 ? -1 : i + next;
        }

        return TextProblem.None;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> text)
    {
        int at = 0;
        while (at < text.Length)
        {
            if (Rune.DecodeFromUtf8(text[at..], out _, out int consumed) != OperationStatus.Done)
            {
                return at;
            }

            at += consumed;
        }

        return 0;
    }

    /// <summary>UTF-8 length of an escaped string once unescaped (the reader has checked its escapes).</summary>
    private static int UnescapedLength(ReadOnlySpan<byte> raw)
    {
        int length = 0;
        for (int i = 0; i < raw.Length;)
        {
            if (raw[i] != '\\')
            {
                length++;
                i++;
            }
            else if (raw[i + 1] != 'u')
            {
                length++;
                i += 2;
            }
            else
            {
                int unit = Hex4(raw.Slice(i + 2, 4));
                if (unit is >= 0xD800 and <= 0xDBFF && i + 11 < raw.Length && raw[i + 6] == '\\' && raw[i + 7] == 'u')
                {
                    length += 4;
                    i += 12;
                }
                else
                {
                    length += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
                    i += 6;
                }
            }
        }

        return length;
    }

    private static int Hex4(ReadOnlySpan<byte> hex)
    {
        int value = 0;
        foreach (byte b in hex)
        {
            value = (value << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        return value;
    }

    private struct Frame
    {
        public bool IsObject;
        public Zone Zone;
        public Segment Segment;
        public int ArrayIndex;
        public int FirstName;
        public int FirstUnescaped;
        public bool Hashing;
        public HashSet<int>? Hashes;
    }

    /// <summary>A value's place in its parent: a name (raw bytes at Offset/Length in the body) or an array index.</summary>
    private readonly record struct Segment(int Offset, int Length, int Index)
    {
        public static readonly Segment None = new(0, -1, -1);

        public static Segment ForName(int offset, int length) => new(offset, length, -1);

        public static Segment ForIndex(int index) => new(0, -1, index);
    }

    /// <summary>A property name already seen in an open object: in the body, or unescaped in the scratch buffer.</summary>
    private readonly record struct Name(int Offset, int Length, bool InSource);
}
