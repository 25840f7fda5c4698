using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// Signed log ingestion: senders cycle through a pool of pre-built, pre-signed <c>POST /v1/logs</c>
/// bodies; a request counts when the server answers 202 with <c>{"accepted":N}</c> (durable).
/// With <c>--end-to-end</c>, every sender then sends one last batch whose messages carry a marker
/// unique to that sender and run, and the scenario polls <c>GET /api/logs?q=marker</c> until all
/// marked events are queryable.
/// </summary>
internal sealed class LogIngestScenario : IScenario
{
    private const int PollConcurrency = 8;
    private const long PoolMemoryBudgetBytes = 512L * 1024 * 1024;
    private const double Mebibyte = 1024 * 1024;
    private static readonly Uri LogsPath = new("v1/logs", UriKind.Relative);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RateLimitedBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan UnavailableBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly LoadOptions _options;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly TextWriter _output;
    private readonly BodyGenerator _generator;
    private readonly string _runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly int _seed = RandomNumberGenerator.GetInt32(int.MaxValue);
    private SignedBody[] _pool = [];
    private SignedBody[] _marked = [];
    private long _next;

    public LogIngestScenario(LoadOptions options, HttpClient client, TimeProvider time, TextWriter output)
    {
        _options = options;
        _client = client;
        _time = time;
        _output = output;
        _generator = new BodyGenerator(options.Batch, options.Services, options.MessageBytes, options.Gzip, new HmacSigner(options.Secret));
    }

    public string Name => ScenarioCatalog.IngestLogs;

    public async Task PrepareAsync(ScenarioPhase phase, CancellationToken cancellationToken)
    {
        var begin = _time.GetTimestamp();
        var now = _time.GetUtcNow().UtcDateTime;
        var size = PoolSize();
        // A fresh seed per phase: measurement does not resend the warm-up's bodies.
        var seed = unchecked(_seed + (phase == ScenarioPhase.Measurement ? 1_000_003 : 0));
        _pool = await Task.Run(() => _generator.CreatePool(size, seed, now, cancellationToken), cancellationToken);
        _next = 0;

        var markedNote = "";
        if (phase == ScenarioPhase.Measurement && _options.EndToEnd)
        {
            var markedSeed = unchecked(seed + 2_000_003);
            _marked = await Task.Run(() => CreateMarkedBodies(markedSeed, now, cancellationToken), cancellationToken);
            markedNote = $" + {_marked.Length} marked bodies";
        }

        long sent = 0, json = 0;
        foreach (var body in _pool)
        {
            sent += body.Content.Length;
            json += body.JsonBytes;
        }

        var compressed = _options.Gzip ? $", {sent / Mebibyte:0.0} MiB gzip" : "";
        _output.WriteLine(
            $"{(phase == ScenarioPhase.Warmup ? "warm-up" : "measure")}: prepared {size} signed bodies × {_options.Batch} events " +
            $"({json / Mebibyte:0.0} MiB JSON{compressed}, {sent / size / 1024.0:N1} KiB per request){markedNote} " +
            $"in {_time.GetElapsedTime(begin).TotalSeconds:0.00} s");
    }

    public async ValueTask<StepOutcome> ExecuteAsync(int sender, CancellationToken cancellationToken)
    {
        var pool = _pool;
        var index = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)pool.Length);
        return await SendAsync(pool[index], cancellationToken);
    }

    public async Task<ScenarioFinish> FinishAsync(MeasurementSummary measurement, CancellationToken cancellationToken)
    {
        if (!_options.EndToEnd)
        {
            return ScenarioFinish.None;
        }

        _output.WriteLine(
            $"end-to-end: sending {_marked.Length} marked batches, then polling GET /api/logs until all are visible " +
            $"(timeout {LoadOptions.FormatDuration(_options.EndToEndTimeout)})");
        using var deadline = new CancellationTokenSource(_options.EndToEndTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var progress = new EndToEndProgress();
        try
        {
            var acks = await Task.WhenAll(Enumerable.Range(0, _marked.Length).Select(i => SendMarkedAsync(i, linked.Token)));
            if (acks.FirstOrDefault(a => a.Error is not null) is { Error: { } error })
            {
                return EndToEndFailed($"a marked batch was not accepted ({error})");
            }

            var lastAck = acks.Max(a => a.Timestamp);
            var markedEvents = acks.Sum(a => a.Events);
            progress.Status = $"0 of {acks.Length} marked batches visible";
            var visibleAt = await PollUntilVisibleAsync(acks, progress, linked.Token);
            if (progress.Failure is { } failure)
            {
                return EndToEndFailed(failure);
            }

            var visibleAfter = _time.GetElapsedTime(lastAck, visibleAt);
            var total = _time.GetElapsedTime(measurement.StartTimestamp, visibleAt);
            var eventsPerSecond = (measurement.EventsAccepted + markedEvents) / total.TotalSeconds;
            return new ScenarioFinish(
            [
                new ReportFigure("e2e_marked_events", "end-to-end marked events", markedEvents, Format: "N0"),
                new ReportFigure("e2e_visible_after_ms", "end-to-end visible after last 202", visibleAfter.TotalMilliseconds, Unit: " ms"),
                new ReportFigure("e2e_events_per_s", "end-to-end events/s to queryable", eventsPerSecond, Unit: " events/s"),
                new ReportFigure("e2e_total_s", "end-to-end measure start → queryable", total.TotalSeconds, Unit: " s", Format: "N2"),
            ],
                null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return EndToEndFailed($"timed out after {LoadOptions.FormatDuration(_options.EndToEndTimeout)}: {progress.Status ?? "marked batches not all accepted"}");
        }
    }

    private SignedBody[] CreateMarkedBodies(int seed, DateTime now, CancellationToken cancellationToken)
    {
        var bodies = new SignedBody[_options.Senders];
        Parallel.For(
            0,
            bodies.Length,
            new ParallelOptions { CancellationToken = cancellationToken },
            i => bodies[i] = _generator.Create(unchecked(seed + i), now, Marker(i)));
        return bodies;
    }

    // Lowercase letters and digits only, so any tokenising or case-folding search still finds it whole.
    private string Marker(int sender) => $"agload{_runId}s{sender:D5}";

    private async Task<StepOutcome> SendAsync(SignedBody body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, LogsPath) { Content = new ReadOnlyMemoryContent(body.Content) };
        request.Headers.TryAddWithoutValidation("x-org-key", _options.KeyId);
        request.Headers.TryAddWithoutValidation("x-signature", body.Signature);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (_options.Gzip)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            var ack = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return TryReadAccepted(ack, out var accepted)
                ? StepOutcome.Accepted(accepted)
                : StepOutcome.Failed("bad_ack", TimeSpan.Zero);
        }

        var retryAfter = RetryAfter(response);
        var backoff = status switch
        {
            429 => retryAfter ?? RateLimitedBackoff,
            503 => retryAfter ?? UnavailableBackoff,
            _ => retryAfter ?? TimeSpan.Zero,
        };
        return StepOutcome.Failed(status.ToString(CultureInfo.InvariantCulture), backoff);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > _time.GetUtcNow() ? date - _time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    private static bool TryReadAccepted(ReadOnlySpan<byte> json, out long accepted)
    {
        accepted = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("accepted"u8))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out accepted);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: reported as a bad ack.
        }

        return false;
    }

    /// <summary>Sends sender <paramref name="sender"/>'s marked batch, retrying what a real agent would retry.</summary>
    private async Task<MarkedAck> SendMarkedAsync(int sender, CancellationToken cancellationToken)
    {
        while (true)
        {
            StepOutcome outcome;
            try
            {
                outcome = await SendAsync(_marked[sender], cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await Task.Delay(RetryPause, _time, cancellationToken);
                continue;
            }

            if (outcome.Succeeded)
            {
                return new MarkedAck(_time.GetTimestamp(), outcome.Events, null);
            }

            if (outcome.ErrorKind is not ("429" or "500" or "502" or "503" or "504"))
            {
                return new MarkedAck(0, 0, $"sender {sender}: HTTP {outcome.ErrorKind}");
            }

            await Task.Delay(outcome.Backoff > TimeSpan.Zero ? outcome.Backoff : RetryPause, _time, cancellationToken);
        }
    }

    /// <summary>Polls until every marked batch is fully queryable; returns when the last one was seen.</summary>
    private async Task<long> PollUntilVisibleAsync(MarkedAck[] acks, EndToEndProgress progress, CancellationToken cancellationToken)
    {
        var oldest = _marked.Min(b => b.OldestTimestamp) - TimeSpan.FromSeconds(5);
        var from = Uri.EscapeDataString(oldest.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        var pending = Enumerable.Range(0, acks.Length).ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = PollConcurrency, CancellationToken = cancellationToken };
        long lastSeen = 0;
        while (true)
        {
            var confirmed = new ConcurrentDictionary<int, bool>();
            await Parallel.ForEachAsync(pending, options, async (sender, token) =>
            {
                var visible = await CountVisibleAsync(sender, (int)acks[sender].Events, from, progress, token);
                if (visible >= acks[sender].Events)
                {
                    confirmed[sender] = true;
                    var seenAt = _time.GetTimestamp();
                    long current;
                    while ((current = Interlocked.Read(ref lastSeen)) < seenAt && Interlocked.CompareExchange(ref lastSeen, seenAt, current) != current)
                    {
                    }
                }
            });

            if (progress.Failure is not null)
            {
                return 0;
            }

            pending.RemoveAll(confirmed.ContainsKey);
            progress.Status = $"{acks.Length - pending.Count} of {acks.Length} marked batches visible" +
                (progress.LastTransientError is { } transient ? $", last query error: {transient}" : "");
            if (pending.Count == 0)
            {
                return lastSeen;
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    /// <summary>How many of the sender's marked events the query API returns right now.</summary>
    private async Task<int> CountVisibleAsync(int sender, int expected, string from, EndToEndProgress progress, CancellationToken cancellationToken)
    {
        var marker = Marker(sender);
        using var request = new HttpRequestMessage(
            HttpMethod.Get,
            new Uri($"api/logs?q={marker}&limit={Math.Max(expected, 1)}&from={from}", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{_options.KeyId}.{_options.Secret}");
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (status == 429 || status >= 500)
            {
                progress.LastTransientError = $"HTTP {status}";
                return 0;
            }

            if (status != 200)
            {
                progress.Failure = $"GET /api/logs answered {status}" + (status is 401 or 403 ? " (does the key have the read scope?)" : "");
                return 0;
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return CountMarked(body, marker, progress);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            progress.LastTransientError = e.Message;
            return 0;
        }
    }

    // Counts only entries whose message carries the marker, so a server that ignored q cannot fake visibility.
    private static int CountMarked(byte[] body, string marker, EndToEndProgress progress)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("logs", out var logs)
                || logs.ValueKind != JsonValueKind.Array)
            {
                progress.Failure = "GET /api/logs did not answer {\"logs\":[...]}";
                return 0;
            }

            var count = 0;
            foreach (var log in logs.EnumerateArray())
            {
                if (log.ValueKind == JsonValueKind.Object
                    && log.TryGetProperty("message", out var message)
                    && message.ValueKind == JsonValueKind.String
                    && message.GetString()!.Contains(marker, StringComparison.OrdinalIgnoreCase))
                {
                    count++;
                }
            }

            return count;
        }
        catch (JsonException)
        {
            progress.Failure = "GET /api/logs answered invalid JSON";
            return 0;
        }
    }

    private static ScenarioFinish EndToEndFailed(string reason) => new(
    [
        new ReportFigure("e2e_visible_after_ms", "end-to-end visible after last 202"),
        new ReportFigure("e2e_events_per_s", "end-to-end events/s to queryable"),
        new ReportFigure("e2e_error", "end-to-end error", Text: reason),
    ],
        $"end-to-end: {reason}");

    private int PoolSize()
    {
        if (_options.PoolSize is { } size)
        {
            return size;
        }

        // Two bodies per sender keeps data varied; the budget keeps huge batches from eating the client's memory.
        var byMemory = (int)Math.Max(4, PoolMemoryBudgetBytes / _generator.EstimatedJsonBytes);
        return Math.Clamp(2 * _options.Senders, Math.Min(8, byMemory), byMemory);
    }

    private readonly record struct MarkedAck(long Timestamp, long Events, string? Error);

    /// <summary>Shared by concurrent polls: the latest status for a timeout message, and a permanent failure if any.</summary>
    private sealed class EndToEndProgress
    {
        public volatile string? Status;
        public volatile string? LastTransientError;
        public volatile string? Failure;
    }
}
