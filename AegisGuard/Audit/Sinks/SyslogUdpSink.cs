using System.Net.Sockets;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit.Sinks;

/// <summary>
/// Syslog over UDP (RFC 5426): one datagram per entry on a connected socket, so an ICMP "port unreachable" surfaces
/// as an error on a later send. UDP cannot confirm delivery; use TCP or the webhook where every entry must arrive.
/// </summary>
public sealed class SyslogUdpSink(string host, int port) : IAuditSink
{
    private UdpClient? client;

    public string Describe => $"syslog udp://{host}:{port}";

    public async Task SendAsync(IReadOnlyList<AuditEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        try
        {
            if (client is null)
            {
                client = new UdpClient();
                client.Connect(host, port);
            }

            foreach (var entry in batch)
            {
                await client.SendAsync(SyslogMessage.Format(entry, Environment.MachineName, Environment.ProcessId), cancellationToken);
            }
        }
        catch (SocketException)
        {
            client?.Dispose();
            client = null;
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        client?.Dispose();
        return ValueTask.CompletedTask;
    }
}
