using System.Text.Json;
using AegisGuard.Load;

namespace AegisGuard.Benchmarks;

/// <summary>
/// Realistic telemetry for the scrubber: the load generator's log bodies (HTTP access lines, jobs, retries, some
/// e-mail addresses, IPs, hex ids and key=value padding), as whole bodies and as every string value they hold.
/// Deterministic for a seed, so runs before and after a change see the same text.
/// </summary>
internal sealed class ScrubberCorpus
{
    private ScrubberCorpus(byte[] body, string[] messages, string[] values)
    {
        Body = body;
        Messages = messages;
        Values = values;
    }

    /// <summary>One <c>POST /v1/logs</c> body (JSON, not compressed).</summary>
    public byte[] Body { get; }

    /// <summary>Every message of <see cref="Body"/>.</summary>
    public string[] Messages { get; }

    /// <summary>Every string of <see cref="Body"/> that is not a message: services, hosts, trace ids, attribute values.</summary>
    public string[] Values { get; }

    public int Events => Messages.Length;

    public static ScrubberCorpus Create(int events, int messageBytes, int seed)
    {
        var generator = new BodyGenerator(events, services: 20, messageBytes, gzip: false, new HmacSigner("benchmark-secret"));
        byte[] body = generator.Create(seed, new DateTime(2025, 10, 31, 12, 0, 0, DateTimeKind.Utc), marker: null).Content.ToArray();
        var messages = new List<string>();
        var values = new List<string>();
        using var document = JsonDocument.Parse(body);
        foreach (var log in document.RootElement.GetProperty("logs").EnumerateArray())
        {
            Collect(log, messages, values, isMessage: false);
        }

        return new ScrubberCorpus(body, [.. messages], [.. values]);
    }

    private static void Collect(JsonElement element, List<string> messages, List<string> values, bool isMessage)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name != "timestamp")
                    {
                        Collect(property.Value, messages, values, property.Name == "message");
                    }
                }

                break;
            case JsonValueKind.String:
                (isMessage ? messages : values).Add(element.GetString()!);
                break;
        }
    }
}
