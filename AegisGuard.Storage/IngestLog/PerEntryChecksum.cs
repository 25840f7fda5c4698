using System.Buffers.Binary;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// FASTER's XOR "checksum" (<c>Utility.XorBytes</c>), re-implemented over spans so records and commit metadata can be
/// checked straight from the files: 8-byte little-endian words XORed together, trailing bytes XORed into the low byte.
/// It detects flipped bytes and zeroed pages, not deliberate or structured damage — which is why the commit files
/// written here carry SHA-256 of their own.
/// </summary>
internal static class PerEntryChecksum
{
    public static ulong Xor(ReadOnlySpan<byte> bytes)
    {
        ulong result = 0;
        int i = 0;
        for (; i + sizeof(ulong) <= bytes.Length; i += sizeof(ulong))
        {
            result ^= BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]);
        }

        for (; i < bytes.Length; i++)
        {
            result ^= bytes[i];
        }

        return result;
    }
}
