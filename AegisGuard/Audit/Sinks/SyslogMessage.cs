using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit.Sinks;

/// <summary>
/// RFC 5424 syslog messages of audit entries: facility 13 (log audit), severity informational for successes and
/// warning otherwise, APP-NAME <c>AegisGuard</c>, MSGID the action, structured data <c>[aegis@32473 …]</c> with the
/// sequence number, org, outcome, actor and hash, and the entry as JSON (UTF-8, with BOM) as the message.
/// </summary>
public static class SyslogMessage
{
    private const int Facility = 13;
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static byte[] Format(AuditEntry entry, string hostName, int processId)
    {
        ArgumentNullException.ThrowIfNull(entry);
        int severity = entry.Outcome == AuditActions.Outcomes.Success ? 6 : 4;
        var header = new StringBuilder();
        header.Append(CultureInfo.InvariantCulture, $"<{Facility * 8 + severity}>1 ");
        header.Append(entry.At.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ');
        header.Append(Token(hostName, 255)).Append(" AegisGuard ").Append(processId.ToString(CultureInfo.InvariantCulture)).Append(' ');
        header.Append(Token(entry.Action, 32)).Append(' ');
        header.Append(CultureInfo.InvariantCulture, $"[aegis@32473 seq=\"{entry.Seq}\" org=\"{(entry.OrgId is int org ? org.ToString(CultureInfo.InvariantCulture) : "instance")}\"");
        header.Append(" outcome=\"").Append(Escape(entry.Outcome)).Append("\" actor=\"").Append(Escape(entry.Actor)).Append('"');
        header.Append(" hash=\"").Append(entry.Hash).Append("\"] ");

        var body = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(body))
        {
            AuditEntryJson.Write(json, entry);
        }

        byte[] head = Encoding.UTF8.GetBytes(header.ToString());
        var message = new byte[head.Length + Bom.Length + body.WrittenCount];
        head.CopyTo(message, 0);
        Bom.CopyTo(message, head.Length);
        body.WrittenSpan.CopyTo(message.AsSpan(head.Length + Bom.Length));
        return message;
    }

    /// <summary>RFC 6587 octet counting for TCP: the message's length in bytes, a space, the message.</summary>
    public static byte[] OctetCounted(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] prefix = Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ");
        return [.. prefix, .. message];
    }

    // Header fields are printable US-ASCII without spaces; "-" stands for an empty one.
    private static string Token(string? text, int max)
    {
        var token = new string((text ?? string.Empty).Where(c => c is > (char)32 and < (char)127).Take(max).ToArray());
        return token.Length == 0 ? "-" : token;
    }

    // SD-PARAM values escape '"', '\' and ']' (RFC 5424 section 6.3.3).
    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);
}
