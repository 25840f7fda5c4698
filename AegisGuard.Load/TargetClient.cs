using System.Net;

namespace AegisGuard.Load;

/// <summary>The one HTTP client every sender shares: a connection per sender, no proxy, no cookies.</summary>
internal static class TargetClient
{
    public static HttpClient Create(LoadOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Each sender keeps one HTTP/1.1 request in flight; a few spare connections serve the
            // end-to-end queries without queueing behind the senders.
            MaxConnectionsPerServer = options.Senders + 8,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            // A proxy from the environment must never sit between the harness and the server it measures.
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = options.Url,
            Timeout = options.RequestTimeout,
        };
    }
}
