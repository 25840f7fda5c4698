using System.Buffers.Binary;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Query.LogQl;

/// <summary>
/// The opaque <c>cursor</c> of GET /api/logs/query: the position of the last line of a page (event time and the
/// event's stable id) and the direction it was read in, base64url-encoded. Paging by position rather than offset
/// is what keeps pages stable while new lines arrive.
/// </summary>
public static class LogCursor
{
    private const byte Version = 1;
    private const int Length = 22;

    /// <summary>Encodes a position read in <paramref name="direction"/>.</summary>
    public static string Encode(LogPosition position, LogSearchDirection direction)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        bytes[1] = direction == LogSearchDirection.Backward ? (byte)0 : (byte)1;
        long micros = (DateTime.SpecifyKind(position.Timestamp, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        BinaryPrimitives.WriteInt64BigEndian(bytes[2..], micros);
        BinaryPrimitives.WriteInt64BigEndian(bytes[10..], position.SourceAddress);
        BinaryPrimitives.WriteInt32BigEndian(bytes[18..], position.SourceIndex);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes a cursor; false when it is not one this server made.</summary>
    public static bool TryDecode(string text, out LogPosition position, out LogSearchDirection direction)
    {
        position = default;
        direction = LogSearchDirection.Backward;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }

        string base64 = text.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        Span<byte> bytes = stackalloc byte[48];
        if (!Convert.TryFromBase64String(base64, bytes, out int written) || written != Length || bytes[0] != Version || bytes[1] > 1)
        {
            return false;
        }

        long micros = BinaryPrimitives.ReadInt64BigEndian(bytes[2..]);
        if (micros < 0 || micros > (DateTime.MaxValue - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond)
        {
            return false;
        }

        direction = bytes[1] == 0 ? LogSearchDirection.Backward : LogSearchDirection.Forward;
        position = new LogPosition(
            DateTime.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond),
            BinaryPrimitives.ReadInt64BigEndian(bytes[10..]),
            BinaryPrimitives.ReadInt32BigEndian(bytes[18..]));
        return true;
    }
}
