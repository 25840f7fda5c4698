namespace AegisGuard.Tests.Ingest.Fuzz;

/// <summary>One generated request: the endpoint, the exact bytes to sign and send, and how they were made.</summary>
public sealed record HostileBody(string Path, byte[] Bytes, bool Gzip, string ContentType, string Description)
{
    /// <summary>The first bytes, printable, for a failure message (invalid bytes as \xNN).</summary>
    public string Preview(int max = 240)
    {
        var text = new System.Text.StringBuilder();
        foreach (byte b in Bytes.AsSpan(0, Math.Min(max, Bytes.Length)))
        {
            text.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return Bytes.Length > max ? text.Append($"… ({Bytes.Length} bytes)").ToString() : text.ToString();
    }
}
