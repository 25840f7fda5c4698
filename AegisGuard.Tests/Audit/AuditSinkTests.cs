using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Audit;

/// <summary>
/// Audit entries are shipped to real local receivers: RFC 5424 syslog over UDP and over TCP (octet-counted), and an
/// HMAC-signed JSON webhook; an unreachable sink is a health warning and its entries arrive once it answers.
/// </summary>
public sealed class AuditSinkTests
{
    [Fact]
    public async Task Entries_arrive_as_rfc5424_syslog_datagrams_over_udp()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        using var factory = IdentityApp.NewFactory(Sink("syslog-udp", $"Host=127.0.0.1", $"Port={port}"));
        factory.CreateClient(); // starts the host and the shipper (which begins at the current tip)
        await FailSignInAsync(factory);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string message;
        do
        {
            var datagram = await receiver.ReceiveAsync(timeout.Token);
            message = Encoding.UTF8.GetString(datagram.Buffer);
        }
        while (!message.Contains(" auth.login_failed ", StringComparison.Ordinal));

        AssertSyslog(message);
    }

    [Fact]
    public async Task Entries_arrive_as_octet_counted_rfc5424_syslog_over_tcp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var factory = IdentityApp.NewFactory(Sink("syslog-tcp", "Host=127.0.0.1", $"Port={port}"));
            factory.CreateClient();
            await FailSignInAsync(factory);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var connection = await listener.AcceptTcpClientAsync(timeout.Token);
            var stream = connection.GetStream();
            string message;
            do
            {
                message = await ReadFrameAsync(stream, timeout.Token);
            }
            while (!message.Contains(" auth.login_failed ", StringComparison.Ordinal));

            AssertSyslog(message);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Entries_are_posted_to_the_webhook_with_an_hmac_of_the_body()
    {
        const string secret = "webhook-secret-0123456789";
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/audit/");
        listener.Start();
        using var factory = IdentityApp.NewFactory(Sink("webhook", $"Url=http://127.0.0.1:{port}/audit/", $"Secret={secret}"));
        factory.CreateClient();
        await FailSignInAsync(factory);

        var (body, signature) = await ReceiveUntilAsync(listener, "auth.login_failed");
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)), signature);
        using var json = JsonDocument.Parse(body);
        var entry = json.RootElement.GetProperty("entries").EnumerateArray().First(e => e.GetProperty("action").GetString() == "auth.login_failed");
        Assert.Equal(64, entry.GetProperty("hash").GetString()!.Length);
        Assert.True(entry.GetProperty("seq").GetInt64() > 0);
    }

    [Fact]
    public async Task An_unreachable_webhook_is_a_health_warning_and_its_entries_arrive_once_it_answers()
    {
        const string secret = "webhook-secret-0123456789";
        int port = FreePort();
        using var factory = IdentityApp.NewFactory(Sink("webhook", $"Url=http://127.0.0.1:{port}/audit/", $"Secret={secret}", "MaxBackoff=00:00:01"));
        var http = factory.CreateClient();
        await FailSignInAsync(factory);

        string reason = await Poll.UntilAsync(() => AuditSinkWarningAsync(http), r => r is not null, what: "the sink warning") ?? string.Empty;
        Assert.Contains("The audit sink 'test' (webhook http://127.0.0.1", reason, StringComparison.Ordinal);
        Assert.Contains("wait in meta.db", reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode); // a warning, not a reason to stop taking data

        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/audit/");
        listener.Start();
        await ReceiveUntilAsync(listener, "auth.login_failed");
        await Poll.UntilAsync(() => AuditSinkWarningAsync(http), r => r is null, what: "the warning to clear");
    }

    private static Dictionary<string, string?> Sink(string type, params string[] settings)
    {
        var all = new Dictionary<string, string?> { ["Aegis:Audit:Sinks:0:Name"] = "test", ["Aegis:Audit:Sinks:0:Type"] = type };
        foreach (string setting in settings)
        {
            int eq = setting.IndexOf('=', StringComparison.Ordinal);
            all["Aegis:Audit:Sinks:0:" + setting[..eq]] = setting[(eq + 1)..];
        }

        return all;
    }

    private static async Task FailSignInAsync(AegisAppFactory factory) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await new SessionClient(factory).LoginAsync("admin@aegis.local", "Wrong-Password-1")).StatusCode);

    private static void AssertSyslog(string message)
    {
        // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM MSG; facility 13 (log audit), severity warning.
        Assert.Matches(@"^<108>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ AegisGuard \d+ auth\.login_failed \[aegis@32473 seq=""\d+"" org=""[^""]+"" outcome=""failure"" actor=""[^""]*"" hash=""[0-9a-f]{64}""\] \uFEFF\{", message);
        using var json = JsonDocument.Parse(message[(message.IndexOf('\uFEFF', StringComparison.Ordinal) + 1)..]);
        Assert.Equal("auth.login_failed", json.RootElement.GetProperty("action").GetString());
    }

    private static async Task<string> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var length = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            if (one[0] == (byte)' ')
            {
                break;
            }

            Assert.InRange(one[0], (byte)'0', (byte)'9');
            length.Append((char)one[0]);
        }

        var frame = new byte[int.Parse(length.ToString(), System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(frame, cancellationToken);
        return Encoding.UTF8.GetString(frame);
    }

    private static async Task<(byte[] Body, string? Signature)> ReceiveUntilAsync(HttpListener listener, string action)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var context = await listener.GetContextAsync().WaitAsync(timeout.Token);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, timeout.Token);
            string? signature = context.Request.Headers["x-aegis-signature"];
            context.Response.StatusCode = 200;
            context.Response.Close();
            if (Encoding.UTF8.GetString(body.ToArray()).Contains($"\"action\":\"{action}\"", StringComparison.Ordinal))
            {
                return (body.ToArray(), signature);
            }
        }
    }

    private static async Task<string?> AuditSinkWarningAsync(HttpClient http)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync("/healthz"));
        var warning = json.RootElement.GetProperty("warnings").EnumerateArray().FirstOrDefault(w => w.GetProperty("component").GetString() == "audit.sink:test");
        return warning.ValueKind == JsonValueKind.Object ? warning.GetProperty("reason").GetString() : null;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
