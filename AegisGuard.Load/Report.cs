using System.Text;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// The result of a measured run: a human report and one JSON line (the last line of stdout, so
/// scripts and docs/benchmarks.md can take it with <c>tail -n 1</c>).
/// </summary>
internal sealed record Report
{
    /// <summary>A run fails when more than this share of its requests failed.</summary>
    public const double MaxErrorRatio = 0.01;

    public required string Scenario { get; init; }

    public required int Senders { get; init; }

    public required int Batch { get; init; }

    public required bool Gzip { get; init; }

    /// <summary>The offered rate of an open-loop run (events/s), or null for closed loop.</summary>
    public long? OfferedRate { get; init; }

    public required double DurationSeconds { get; init; }

    public required long Requests { get; init; }

    public required long EventsAccepted { get; init; }

    public required long Errors { get; init; }

    public required IReadOnlyDictionary<string, long> ErrorsByKind { get; init; }

    public required LatencySummary Latency { get; init; }

    public required IReadOnlyList<ReportFigure> Figures { get; init; }

    /// <summary>Why the scenario's own measurement failed (e.g. end-to-end timeout), or null.</summary>
    public string? ScenarioFailure { get; init; }

    public double EventsPerSecond => DurationSeconds > 0 ? EventsAccepted / DurationSeconds : 0;

    public double RequestsPerSecond => DurationSeconds > 0 ? Requests / DurationSeconds : 0;

    public double ErrorRatio => Requests > 0 ? (double)Errors / Requests : 0;

    /// <summary>Null when the run passed; otherwise every reason it did not.</summary>
    public string? Verdict
    {
        get
        {
            var reasons = new List<string>();
            if (Requests == 0)
            {
                reasons.Add("no request completed");
            }
            else if (ErrorRatio > MaxErrorRatio)
            {
                reasons.Add($"errors are {ErrorRatio:P2} of requests (limit {MaxErrorRatio:P0})");
            }

            if (ScenarioFailure is not null)
            {
                reasons.Add(ScenarioFailure);
            }

            return reasons.Count == 0 ? null : string.Join("; ", reasons);
        }
    }

    public int ExitCode => Verdict is null ? 0 : 1;

    public static Report Create(string scenario, LoadOptions options, PhaseResult measured, ScenarioFinish finish) => new()
    {
        Scenario = scenario,
        Senders = options.Senders,
        Batch = options.Batch,
        Gzip = options.Gzip,
        OfferedRate = options.Rate,
        DurationSeconds = measured.Elapsed.TotalSeconds,
        Requests = measured.Requests,
        EventsAccepted = measured.EventsAccepted,
        Errors = measured.Errors,
        ErrorsByKind = measured.ErrorsByKind,
        Latency = measured.Latency,
        Figures = finish.Figures,
        ScenarioFailure = finish.Failure,
    };

    public void WriteText(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(
            $"== {Scenario}: {Senders} senders × {Batch} events/request, gzip {(Gzip ? "on" : "off")}, " +
            $"{(OfferedRate is { } rate ? $"offered {rate:N0} events/s" : "closed loop")}, {DurationSeconds:0.00} s measured ==");
        Row(output, "events accepted", $"{EventsAccepted:N0}   ({EventsPerSecond:N1} events/s)");
        Row(output, "requests", $"{Requests:N0}   ({RequestsPerSecond:N1} req/s)");
        Row(
            output,
            "ack latency (ms)",
            $"p50 {Latency.P50Ms:0.00}   p95 {Latency.P95Ms:0.00}   p99 {Latency.P99Ms:0.00}   max {Latency.MaxMs:0.00}   mean {Latency.MeanMs:0.00}");
        Row(output, "errors", $"{Errors:N0}   ({ErrorRatio:P2} of requests)");
        foreach (var (kind, count) in ErrorsByKind)
        {
            Row(output, $"  {Describe(kind)}", $"{count:N0}");
        }

        foreach (var figure in Figures)
        {
            Row(output, figure.Label, figure.Display);
        }

        Row(output, "result", Verdict is { } failure ? $"FAIL: {failure}" : "OK");
    }

    private static void Row(TextWriter output, string label, string value) => output.WriteLine($"  {label,-38}{value}");

    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("scenario", Scenario);
            json.WriteNumber("senders", Senders);
            json.WriteNumber("batch", Batch);
            json.WriteBoolean("gzip", Gzip);
            if (OfferedRate is { } rate)
            {
                json.WriteNumber("offered_events_per_s", rate);
            }

            json.WriteNumber("duration_s", Math.Round(DurationSeconds, 3));
            json.WriteNumber("events_accepted", EventsAccepted);
            json.WriteNumber("events_per_s", Math.Round(EventsPerSecond, 1));
            json.WriteNumber("requests_per_s", Math.Round(RequestsPerSecond, 2));
            json.WriteNumber("p50_ms", Math.Round(Latency.P50Ms, 3));
            json.WriteNumber("p95_ms", Math.Round(Latency.P95Ms, 3));
            json.WriteNumber("p99_ms", Math.Round(Latency.P99Ms, 3));
            json.WriteNumber("max_ms", Math.Round(Latency.MaxMs, 3));
            json.WriteNumber("errors", Errors);
            json.WriteNumber("requests", Requests);
            json.WriteStartObject("errors_by_kind");
            foreach (var (kind, count) in ErrorsByKind)
            {
                json.WriteNumber(kind, count);
            }

            json.WriteEndObject();
            foreach (var figure in Figures)
            {
                if (figure.Number is { } number)
                {
                    json.WriteNumber(figure.Key, Math.Round(number, 3));
                }
                else if (figure.Text is { } text)
                {
                    json.WriteString(figure.Key, text);
                }
                else
                {
                    json.WriteNull(figure.Key);
                }
            }

            json.WriteBoolean("ok", Verdict is null);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Describe(string kind) => kind switch
    {
        "429" => "429 rate limited",
        "503" => "503 storage unavailable",
        "400" => "400 bad request",
        "401" => "401 unauthorized (signature?)",
        "403" => "403 forbidden",
        "413" => "413 body too large",
        "422" => "422 unprocessable",
        "bad_ack" => "202 without {accepted}",
        "timeout" => "request timeout",
        "connection" => "connection failed",
        _ => kind,
    };
}
