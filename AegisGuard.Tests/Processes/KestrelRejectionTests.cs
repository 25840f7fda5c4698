using System.Net.Sockets;
using System.Text;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Processes;

/// <summary>
/// The answers Kestrel writes itself, before any middleware runs (a malformed request line, oversized headers), carry
/// the same security headers as every other answer, and no Server banner. Proven against the real executable over a
/// raw TCP socket, since no HTTP client sends such requests.
/// </summary>
public sealed class KestrelRejectionTests : IAsyncLifetime
{
    private readonly TempDirectory data = new();
    private AppProcess app = null!;

    public async Task InitializeAsync() => app = await AppProcess.StartAsync(data.Path);

    public Task DisposeAsync()
    {
        app.Dispose();
        data.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Kestrels_own_400_for_a_malformed_request_line_carries_the_security_headers()
    {
        string answer = await SendRawAsync("GE(T / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        AssertSecurityHeaders(answer);
    }

    [Fact]
    public async Task Kestrels_own_505_for_an_unknown_protocol_version_carries_the_security_headers()
    {
        string answer = await SendRawAsync("GARBAGE / NOT-HTTP\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 505 ", answer, StringComparison.Ordinal);
        AssertSecurityHeaders(answer);
    }

    [Fact]
    public async Task Kestrels_own_431_for_oversized_headers_carries_the_security_headers()
    {
        string answer = await SendRawAsync($"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: {new string('a', 40_000)}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431 ", answer, StringComparison.Ordinal);
        AssertSecurityHeaders(answer);
    }

    [Fact]
    public async Task A_rejection_after_a_good_request_on_the_same_connection_carries_them_too()
    {
        string answers = await SendRawAsync("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n");
        int second = answers.IndexOf("HTTP/1.1 400 ", StringComparison.Ordinal);
        Assert.True(second > 0, answers);
        AssertSecurityHeaders(answers[..second]);
        AssertSecurityHeaders(answers[second..]);
    }

    [Fact]
    public async Task A_malformed_chunked_body_gets_a_400_with_the_security_headers()
    {
        string answer = await SendRawAsync("POST /v1/logs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZZ\r\nnot a chunk\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 4", answer, StringComparison.Ordinal);
        AssertSecurityHeaders(answer);
    }

    private static void AssertSecurityHeaders(string answer)
    {
        string head = answer[..Math.Max(0, answer.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
        Assert.Contains("\r\nContent-Security-Policy: default-src 'self'", head, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Content-Type-Options: nosniff", head, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Frame-Options: DENY", head, StringComparison.Ordinal);
        Assert.Contains("\r\nReferrer-Policy: strict-origin-when-cross-origin", head, StringComparison.Ordinal);
        Assert.Contains("\r\nCache-Control: no-store", head, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\nServer:", head, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Sends raw bytes and reads until the server closes the connection (or a deadline passes).</summary>
    private async Task<string> SendRawAsync(string request)
    {
        var uri = new Uri(app.Url);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the rejection is how some answers end; what arrived before it is the answer.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
