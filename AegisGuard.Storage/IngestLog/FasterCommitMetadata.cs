using System.Buffers.Binary;
using System.Text;
using FASTER.core;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// FASTER's commit metadata (<c>FasterLogRecoveryInfo</c>, versions 0 and 1): where the log begins and is durable until,
/// and the positions of the named readers. Parsed here, bounds-checked field by field, before FASTER ever sees it:
/// FASTER's own parser trusts counts and lengths from the file, so garbage that passes its weak XOR check crashed the
/// scan later (IndexOutOfRangeException) instead of falling back to an older commit.
/// </summary>
/// <param name="CommitNumber">The commit number FASTER gave it (-1 in version 0).</param>
/// <param name="BeginAddress">First address still kept.</param>
/// <param name="UntilAddress">Everything before this address was durable when the commit was written.</param>
/// <param name="Iterators">Completed positions of the named readers.</param>
internal sealed record FasterCommitMetadata(long CommitNumber, long BeginAddress, long UntilAddress, IReadOnlyDictionary<string, long> Iterators)
{
    private const int MaxIterators = 1024;
    private const int MaxIteratorName = 256;

    /// <summary>Parses <paramref name="bytes"/>; null with <paramref name="problem"/> set when they are not valid metadata.</summary>
    public static FasterCommitMetadata? TryParse(ReadOnlySpan<byte> bytes, out string? problem)
    {
        int position = 0;
        problem = null;
        if (!TryInt32(bytes, ref position, out int version))
        {
            problem = $"its FASTER metadata is only {bytes.Length} bytes long";
            return null;
        }

        if (version is < 0 or > 1)
        {
            problem = $"its FASTER metadata has unknown version {version}";
            return null;
        }

        long commitNumber = -1;
        if (!TryInt64(bytes, ref position, out long checksum) || !TryInt64(bytes, ref position, out long begin) ||
            !TryInt64(bytes, ref position, out long until) || (version > 0 && !TryInt64(bytes, ref position, out commitNumber)))
        {
            problem = "its FASTER metadata ends inside the header";
            return null;
        }

        // FASTER tolerates a missing iterator count (it reads as 0); so does this parser.
        if (!TryInt32(bytes, ref position, out int iteratorCount))
        {
            iteratorCount = 0;
        }

        if (iteratorCount is < 0 or > MaxIterators)
        {
            problem = $"its FASTER metadata claims {iteratorCount} reader positions";
            return null;
        }

        var iterators = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < iteratorCount; i++)
        {
            if (!TryInt32(bytes, ref position, out int nameLength) || nameLength is < 0 or > MaxIteratorName ||
                position + nameLength > bytes.Length)
            {
                problem = "a reader name in its FASTER metadata is cut off or implausibly long";
                return null;
            }

            string name = Encoding.UTF8.GetString(bytes.Slice(position, nameLength));
            position += nameLength;
            if (!TryInt64(bytes, ref position, out long readerAddress) || readerAddress < 0 || !iterators.TryAdd(name, readerAddress))
            {
                problem = $"the position of reader '{name}' in its FASTER metadata is missing, negative or repeated";
                return null;
            }
        }

        int cookieLength = -1;
        long cookieChecksum = 0;
        if (version >= 1)
        {
            if (!TryInt32(bytes, ref position, out cookieLength))
            {
                cookieLength = -1;
            }

            if (cookieLength >= 0)
            {
                if (position + cookieLength > bytes.Length)
                {
                    problem = "the cookie in its FASTER metadata is cut off";
                    return null;
                }

                cookieChecksum = (long)PerEntryChecksum.Xor(bytes.Slice(position, cookieLength));
            }
        }

        long computed = begin ^ until;
        if (version >= 1)
        {
            computed ^= commitNumber ^ iteratorCount ^ cookieLength ^ cookieChecksum;
        }

        if (checksum != computed || (version == 0 && begin == 0 && until == 0 && iteratorCount == 0))
        {
            problem = "FASTER's checksum of its metadata does not match";
            return null;
        }

        if (begin < 0 || until < begin)
        {
            problem = $"its FASTER metadata has impossible addresses (begin {begin}, until {until})";
            return null;
        }

        return new FasterCommitMetadata(commitNumber, begin, until, iterators);
    }

    /// <summary>Serialises metadata the way FASTER writes it (version 1), for commits this code writes itself.</summary>
    public byte[] ToBytes() => new FasterLogRecoveryInfo
    {
        BeginAddress = BeginAddress,
        UntilAddress = UntilAddress,
        CommitNum = CommitNumber,
        Iterators = Iterators.Count == 0 ? null : new Dictionary<string, long>(Iterators, StringComparer.Ordinal),
    }.ToByteArray();

    private static bool TryInt32(ReadOnlySpan<byte> bytes, ref int position, out int value)
    {
        if (position + sizeof(int) > bytes.Length)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
        position += sizeof(int);
        return true;
    }

    private static bool TryInt64(ReadOnlySpan<byte> bytes, ref int position, out long value)
    {
        if (position + sizeof(long) > bytes.Length)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadInt64LittleEndian(bytes[position..]);
        position += sizeof(long);
        return true;
    }
}
