namespace AegisGuard.Ingest.Schema;

/// <summary>
/// The decoded form of label objects seen before, per thread: an agent sends the same label set with every sample of a
/// series (every scrape), and checking, scrubbing, sorting and serialising it again was half of a metric batch's decode
/// time. Keyed by the object's exact UTF-8 bytes and valid for one scrubber (the output is a pure function of both), so
/// a change of the org's PII settings, which brings a new scrubber, starts afresh. Only label sets that decoded without
/// an error are kept. Bounded: at most <see cref="MaxEntries"/> sets of at most <see cref="MaxKeyBytes"/> bytes (about
/// 3 MB per thread at worst, ~0.5 MB for typical label sets), cleared when full (a thread decodes one batch at a time,
/// so repeats within a batch still hit).
/// </summary>
internal sealed class LabelSetCache
{
    public const int MaxEntries = 1024;
    public const int MaxKeyBytes = 1024;

    [ThreadStatic]
    private static LabelSetCache? current;

    private readonly Dictionary<byte[], string> entries = new(RawComparer.Instance);
    private readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> lookup;
    private object? scrubber;

    private LabelSetCache() => lookup = entries.GetAlternateLookup<ReadOnlySpan<byte>>();

    // The same for metric names (the raw string token → the checked, dot-replaced, scrubbed name), kept apart so the
    // two kinds never share a key space or push each other out.
    [ThreadStatic]
    private static LabelSetCache? currentNames;

    /// <summary>This thread's cache for label sets decoded with <paramref name="owner"/> (the scrubber, or null).</summary>
    public static LabelSetCache For(object? owner) => Reset(current ??= new LabelSetCache(), owner);

    /// <summary>This thread's cache for metric names decoded with <paramref name="owner"/> (the scrubber, or null).</summary>
    public static LabelSetCache NamesFor(object? owner) => Reset(currentNames ??= new LabelSetCache(), owner);

    private static LabelSetCache Reset(LabelSetCache cache, object? owner)
    {
        if (!ReferenceEquals(cache.scrubber, owner))
        {
            cache.entries.Clear();
            cache.scrubber = owner;
        }

        return cache;
    }

    public bool TryGet(ReadOnlySpan<byte> raw, out string labels) => lookup.TryGetValue(raw, out labels!);

    public void Add(ReadOnlySpan<byte> raw, string labels)
    {
        if (raw.Length > MaxKeyBytes)
        {
            return;
        }

        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        lookup[raw] = labels;
    }

    private sealed class RawComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly RawComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
