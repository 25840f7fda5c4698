using System.Net.Sockets;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit.Sinks;

/// <summary>
/// Syslog over TCP with octet-counting framing (RFC 6587 / RFC 5425 style: <c>LEN SP MSG</c>). A broken connection is
/// dropped and the whole batch sent again on a new one, so a receiver may see an entry twice (its seq tells).
/// </summary>
public sealed class SyslogTcpSink(string host, int port) : IAuditSink
{
    private TcpClient? client;

    public string Describe => $"syslog tcp://{host}:{port}";

    public async Task SendAsync(IReadOnlyList<AuditEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        try
        {
            if (client is not { Connected: true })
            {
                client?.Dispose();
                client = new TcpClient { NoDelay = true };
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
                await client.ConnectAsync(host, port, connectTimeout.Token);
            }

            var stream = client.GetStream();
            foreach (var entry in batch)
            {
                await stream.WriteAsync(SyslogMessage.OctetCounted(SyslogMessage.Format(entry, Environment.MachineName, Environment.ProcessId)), cancellationToken);
            }

            await stream.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client?.Dispose();
            client = null;
            throw new IOException($"{Describe}: {ex.Message}", ex);
        }
    }

    public ValueTask DisposeAsync()
    {
        client?.Dispose();
        return ValueTask.CompletedTask;
    }
}
