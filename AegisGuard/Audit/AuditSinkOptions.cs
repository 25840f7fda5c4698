namespace AegisGuard.Audit;

/// <summary>One external receiver of audit entries (<c>Aegis:Audit:Sinks:N</c>).</summary>
public sealed class AuditSinkOptions
{
    public const string SyslogUdp = "syslog-udp";
    public const string SyslogTcp = "syslog-tcp";
    public const string Webhook = "webhook";

    /// <summary>A name for health reasons, logs and the cursor file (letters, digits, '-' and '_').</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>syslog-udp</c>, <c>syslog-tcp</c> (RFC 5424, octet-counted) or <c>webhook</c> (POST JSON, HMAC-signed).</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>The syslog receiver's host name or address.</summary>
    public string? Host { get; set; }

    /// <summary>The syslog receiver's port.</summary>
    public int Port { get; set; } = 514;

    /// <summary>The webhook's URL (http or https).</summary>
    public string? Url { get; set; }

    /// <summary>The webhook's shared secret: the body's HMAC-SHA256 is sent as <c>x-aegis-signature: sha256=&lt;hex&gt;</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>Entries per send (one webhook POST, or that many syslog messages).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>The longest wait between retries while the receiver does not answer (doubling from one second).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Problem()
    {
        if (Name.Length is 0 or > 64 || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return "Name must be 1 to 64 letters, digits, '-' or '_'";
        }

        switch (Type)
        {
            case SyslogUdp or SyslogTcp:
                return string.IsNullOrWhiteSpace(Host) || Port is < 1 or > 65535 ? "syslog sinks need Host and a Port from 1 to 65535" : null;
            case Webhook:
                if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    return "webhook sinks need an absolute http(s) Url";
                }

                return string.IsNullOrEmpty(Secret) || Secret.Length < 16 ? "webhook sinks need a Secret of at least 16 characters" : null;
            default:
                return $"Type must be {SyslogUdp}, {SyslogTcp} or {Webhook}";
        }
    }
}
