using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// Loads a realistic historical data set through the real signed ingestion API: <c>--events</c> log lines (default
/// 10 M) for the key's org, spread in time order over the past <c>--span</c> (default 24 h), plus 10 % extra noise
/// spread over the orgs of <c>--noise-keys</c>. Each batch covers the next slice of the span, as if an agent had
/// flushed in real time. Afterwards it polls <c>GET /api/logs/stats</c> until every line is queryable and reports
/// the rates and the bytes each stored line takes. Run it with <c>--warmup 0</c> and a <c>--duration</c> long
/// enough to send everything; the phase ends as soon as the last batch is acknowledged.
/// </summary>
internal sealed class LogDatasetScenario : IScenario
{
    private const double NoiseShare = 0.10;
    private static readonly Uri LogsPath = new("v1/logs", UriKind.Relative);
    private static readonly Uri StatsPath = new("api/logs/stats", UriKind.Relative);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly LoadOptions _options;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly TextWriter _output;
    private readonly DatasetBodyGenerator _generator;
    private readonly HmacSigner _signer;
    private readonly HmacSigner[] _noiseSigners;
    private readonly long _mainBatches;
    private readonly long _noiseBatches;
    private DateTime _first;
    private long _nextMain;
    private long _nextNoise;
    private long _rowsBefore;
    private bool _measuring;

    public LogDatasetScenario(LoadOptions options, HttpClient client, TimeProvider time, TextWriter output)
    {
        _options = options;
        _client = client;
        _time = time;
        _output = output;
        _generator = new DatasetBodyGenerator(options.Batch);
        _signer = new HmacSigner(options.Secret);
        _noiseSigners = options.NoiseKeys.Select(k => new HmacSigner(k.Secret)).ToArray();
        _mainBatches = (options.Events + options.Batch - 1) / options.Batch;
        _noiseBatches = _noiseSigners.Length == 0 ? 0 : (long)Math.Ceiling(_mainBatches * NoiseShare);
    }

    public string Name => ScenarioCatalog.LogsDataset;

    /// <summary>
    /// Warm-up sends nothing (it would spend the data set); measurement ends once every batch is handed out (the
    /// runner still waits for the requests in flight).
    /// </summary>
    public bool IsFinished => !_measuring || (Interlocked.Read(ref _nextMain) >= _mainBatches && Interlocked.Read(ref _nextNoise) >= _noiseBatches);

    public async Task PrepareAsync(ScenarioPhase phase, CancellationToken cancellationToken)
    {
        if (phase != ScenarioPhase.Measurement)
        {
            return;
        }

        _rowsBefore = (await ReadStatsAsync(cancellationToken)).Rows;
        var now = _time.GetUtcNow().UtcDateTime;
        // Ends a little before now, so even the newest events are not in the future by the time they are sent.
        _first = now - _options.Span;
        _measuring = true;
        _output.WriteLine(
            $"logs-dataset: {_mainBatches * _options.Batch:N0} events in {_mainBatches:N0} batches over {_first:u} … {now:u}" +
            (_noiseBatches > 0 ? $", plus {_noiseBatches * _options.Batch:N0} noise events for {_noiseSigners.Length} other orgs" : "") +
            $" (org already holds {_rowsBefore:N0} lines)");
    }

    public async ValueTask<StepOutcome> ExecuteAsync(int sender, CancellationToken cancellationToken)
    {
        // Noise is interleaved in proportion, so every org's data arrives over the whole load.
        bool preferNoise = _noiseBatches > 0 && Interlocked.Read(ref _nextNoise) * _mainBatches < Interlocked.Read(ref _nextMain) * _noiseBatches;
        bool noise;
        long index;
        if (preferNoise && TryTake(ref _nextNoise, _noiseBatches, out index))
        {
            noise = true;
        }
        else if (TryTake(ref _nextMain, _mainBatches, out index))
        {
            noise = false;
        }
        else if (TryTake(ref _nextNoise, _noiseBatches, out index))
        {
            noise = true;
        }
        else
        {
            // Only in a race for the last batches: nothing is left to send.
            return StepOutcome.Accepted(0);
        }

        long batches = noise ? _noiseBatches : _mainBatches;
        var slice = _options.Span / batches;
        var body = noise
            ? _generator.Create(unchecked((int)(index + 7_000_003)), _first + (slice * index), slice, _noiseSigners[index % _noiseSigners.Length])
            : _generator.Create(unchecked((int)index), _first + (slice * index), slice, _signer);
        string keyId = noise ? _options.NoiseKeys[(int)(index % _noiseSigners.Length)].KeyId : _options.KeyId;
        return await SendUntilAcceptedAsync(body, keyId, cancellationToken);
    }

    public async Task<ScenarioFinish> FinishAsync(MeasurementSummary measurement, CancellationToken cancellationToken)
    {
        long expected = _rowsBefore + (_mainBatches * _options.Batch);
        _output.WriteLine($"logs-dataset: waiting until the org's {expected:N0} lines are queryable (GET /api/logs/stats)");
        using var deadline = new CancellationTokenSource(_options.EndToEndTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Stats stats;
        try
        {
            while (true)
            {
                stats = await ReadStatsAsync(linked.Token);
                if (stats.Rows >= expected)
                {
                    break;
                }

                _output.WriteLine($"  {stats.Rows:N0} of {expected:N0} queryable");
                await Task.Delay(PollInterval, _time, linked.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ScenarioFinish([], $"not every line was queryable after {LoadOptions.FormatDuration(_options.EndToEndTimeout)}");
        }

        var total = _time.GetElapsedTime(measurement.StartTimestamp);
        return new ScenarioFinish(
        [
            new ReportFigure("dataset_events", "data set events (key's org)", _mainBatches * _options.Batch, Format: "N0"),
            new ReportFigure("noise_events", "noise events (other orgs)", _noiseBatches * _options.Batch, Format: "N0"),
            new ReportFigure("queryable_after_s", "start → every line queryable", total.TotalSeconds, Unit: " s", Format: "N1"),
            new ReportFigure("queryable_events_per_s", "events/s to queryable", (measurement.EventsAccepted) / total.TotalSeconds, Unit: " events/s", Format: "N0"),
            new ReportFigure("stored_rows", "org lines stored", stats.Rows, Format: "N0"),
            new ReportFigure("stored_files", "org Parquet files", stats.Files, Format: "N0"),
            new ReportFigure("stored_bytes", "org Parquet bytes", stats.Bytes, Format: "N0"),
            new ReportFigure("bytes_per_log", "bytes per stored log", stats.BytesPerLog, Unit: " B", Format: "N1"),
        ],
            null);
    }

    private static bool TryTake(ref long counter, long limit, out long index)
    {
        index = Interlocked.Increment(ref counter) - 1;
        return index < limit;
    }

    private async Task<StepOutcome> SendUntilAcceptedAsync(SignedBody body, string keyId, CancellationToken cancellationToken)
    {
        // A data set must arrive whole: 429/503 are waited out and retried (the wait counts in the latency).
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, LogsPath) { Content = new ReadOnlyMemoryContent(body.Content) };
            request.Headers.TryAddWithoutValidation("x-org-key", keyId);
            request.Headers.TryAddWithoutValidation("x-signature", body.Signature);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return StepOutcome.Accepted(body.Events);
            }

            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            {
                throw new LoadAbortedException($"POST /v1/logs answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250), _time, cancellationToken);
        }
    }

    private async Task<Stats> ReadStatsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, StatsPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{_options.KeyId}.{_options.Secret}");
        using var response = await _client.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new LoadAbortedException($"GET /api/logs/stats answered {(int)response.StatusCode} (does the key have the read scope?): {body}");
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new Stats(
            root.GetProperty("rows").GetInt64(),
            root.GetProperty("files").GetInt64(),
            root.GetProperty("bytes").GetInt64(),
            root.GetProperty("bytes_per_log").GetDouble());
    }

    private readonly record struct Stats(long Rows, long Files, long Bytes, double BytesPerLog)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Rows} rows in {Files} files");
    }
}
