using System.Globalization;
using System.Text.Json;

namespace AegisGuard.Tests.Support;

/// <summary>Test data: batches in the wire format.</summary>
public static class Some
{
    public static string Now(int secondsAgo = 0) =>
        DateTime.UtcNow.AddSeconds(-secondsAgo).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public static string LogBatch(params object[] logs) => JsonSerializer.Serialize(new { logs });

    public static object Log(string message, string service = "api", string level = "info", string? timestamp = null, object? attributes = null, string? traceId = null) =>
        new Dictionary<string, object?>
        {
            ["timestamp"] = timestamp ?? Now(),
            ["service"] = service,
            ["level"] = level,
            ["message"] = message,
            ["attributes"] = attributes ?? new { },
            ["trace_id"] = traceId,
        }.Where(kv => kv.Value is not null).ToDictionary();

    public static string Logs(int count, string prefix = "line", string service = "api") =>
        LogBatch(Enumerable.Range(0, count).Select(i => Log($"{prefix} {i}", service)).ToArray());
}
