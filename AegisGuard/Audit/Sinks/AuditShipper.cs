using System.Globalization;
using AegisGuard.Hosting;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Metadata;
using Microsoft.Extensions.Options;

namespace AegisGuard.Audit.Sinks;

/// <summary>
/// Ships audit entries to the configured sinks (<c>Aegis:Audit:Sinks</c>), each in its own loop: it reads the entries
/// after the sink's cursor from meta.db (at most <see cref="AuditSinkOptions.BatchSize"/> in memory: the backlog waits
/// in meta.db, not in a queue that could grow or be lost), sends them, and moves the cursor
/// (<c>data/audit-sinks/&lt;name&gt;.cursor</c>) only after the sink took them. Failures retry with doubling backoff
/// up to <see cref="AuditSinkOptions.MaxBackoff"/> and report a health Warning (<c>audit.sink:&lt;name&gt;</c>) until
/// the sink answers again. Requests never wait for it: it only reads what they committed, including entries the CLI
/// writes. A new sink starts at the current tip (the history before it is not replayed).
/// </summary>
public sealed partial class AuditShipper(
    MetadataStore store,
    DataDirectory data,
    HealthConditions health,
    IOptions<AegisOptions> options,
    TimeProvider time,
    ILogger<AuditShipper> logger) : BackgroundService
{
    public const string HealthPrefix = "audit.sink:";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sinks = options.Value.Audit.Sinks;
        return Task.WhenAll(sinks.Select((sink, index) => Task.Run(() => ShipAsync(sink, index, stoppingToken), stoppingToken)));
    }

    /// <summary>Opens the sink for <paramref name="options"/> (validated at start by <see cref="AuditOptionsValidator"/>).</summary>
    public static IAuditSink Open(AuditSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Type switch
        {
            AuditSinkOptions.SyslogUdp => new SyslogUdpSink(options.Host!, options.Port),
            AuditSinkOptions.SyslogTcp => new SyslogTcpSink(options.Host!, options.Port),
            _ => new WebhookSink(new Uri(options.Url!), options.Secret!),
        };
    }

    private async Task ShipAsync(AuditSinkOptions settings, int index, CancellationToken stoppingToken)
    {
        await using var sink = Open(settings);
        string component = HealthPrefix + settings.Name;
        string cursorFile = Path.Combine(data.Root, "audit-sinks", settings.Name + ".cursor");
        long cursor = ReadCursor(cursorFile) ?? WriteCursor(cursorFile, store.AuditTipSeq());
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var batch = store.ReadAuditAfter(cursor, Math.Max(1, settings.BatchSize));
                if (batch.Count == 0)
                {
                    wait = PollInterval;
                }
                else
                {
                    await sink.SendAsync(batch, stoppingToken);
                    cursor = WriteCursor(cursorFile, batch[^1].Seq);
                    if (health.Find(component) is not null)
                    {
                        health.Clear(component);
                        LogRecovered(logger, settings.Name, sink.Describe);
                    }

                    backoff = TimeSpan.FromSeconds(1);
                    wait = batch.Count < settings.BatchSize ? PollInterval : TimeSpan.Zero;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                long waiting = Math.Max(0, store.AuditTipSeq() - cursor);
                health.Report(component, HealthImpact.Warning, string.Create(CultureInfo.InvariantCulture,
                    $"The audit sink '{settings.Name}' ({sink.Describe}) cannot be reached: {ex.Message.TrimEnd('.')}. {waiting} entries wait in meta.db from entry {cursor + 1} " +
                    $"and are sent once it answers (retrying every {backoff.TotalSeconds:0} s). Check that the receiver runs and that Aegis:Audit:Sinks:{index} is right."));
                LogUnreachable(logger, settings.Name, sink.Describe, ex);
                wait = backoff;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Math.Max(settings.MaxBackoff.Ticks, TimeSpan.TicksPerSecond)));
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static long? ReadCursor(string file)
    {
        try
        {
            return long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long seq) ? seq : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long WriteCursor(string file, long seq)
    {
        // Written after each delivered batch; losing it to a crash resends at most that batch (entries carry their seq).
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file + ".tmp", seq.ToString(CultureInfo.InvariantCulture));
        File.Move(file + ".tmp", file, overwrite: true);
        return seq;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit sink {Name} ({Sink}) cannot be reached; retrying")]
    private static partial void LogUnreachable(ILogger logger, string name, string sink, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit sink {Name} ({Sink}) answers again")]
    private static partial void LogRecovered(ILogger logger, string name, string sink);
}
