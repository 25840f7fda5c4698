using System.Net;
using System.Net.Sockets;

namespace AegisGuard.Load;

/// <summary>
/// Runs a scenario the way NBomber would: wait for readiness, warm up (discarded), then keep
/// <see cref="LoadOptions.Senders"/> closed-loop senders busy for the measured duration, printing a
/// progress line every second, and hand back a <see cref="Report"/>.
/// </summary>
internal sealed class LoadRunner(LoadOptions options, HttpClient client, TimeProvider time, TextWriter output)
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReadinessPoll = TimeSpan.FromMilliseconds(250);

    // "Respect Retry-After briefly": honour the server's pause, but never park a sender for long.
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    // After a refused connection or timeout, so a dead server is not hammered in a hot loop.
    private static readonly TimeSpan ExceptionBackoff = TimeSpan.FromMilliseconds(100);

    public async Task<Report> RunAsync(IScenario scenario, CancellationToken cancellationToken)
    {
        output.WriteLine(
            $"{scenario.Name} → {options.Url}: {options.Senders} senders, batch {options.Batch}, gzip {(options.Gzip ? "on" : "off")}, " +
            $"{(options.Rate is { } rate ? $"offered {rate:N0} events/s" : "closed loop")}, " +
            $"warm-up {LoadOptions.FormatDuration(options.Warmup)}, measure {LoadOptions.FormatDuration(options.Duration)}");
        await WaitUntilReadyAsync(cancellationToken);

        if (options.Warmup > TimeSpan.Zero)
        {
            await scenario.PrepareAsync(ScenarioPhase.Warmup, cancellationToken);
            var warmup = await RunPhaseAsync(scenario, "warm-up", options.Warmup, cancellationToken);
            var kinds = warmup.ErrorsByKind.Count == 0 ? "" : $" ({string.Join(", ", warmup.ErrorsByKind.Select(e => $"{e.Key}: {e.Value:N0}"))})";
            output.WriteLine(
                $"warm-up done: {warmup.EventsAccepted:N0} events in {warmup.Requests:N0} requests, {warmup.Errors:N0} errors{kinds} — discarded");
        }

        await scenario.PrepareAsync(ScenarioPhase.Measurement, cancellationToken);
        var measured = await RunPhaseAsync(scenario, "measure", options.Duration, cancellationToken);
        var finish = await scenario.FinishAsync(new MeasurementSummary(measured.StartTimestamp, measured.EventsAccepted), cancellationToken);
        return Report.Create(scenario.Name, options, measured, finish);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        string last;
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"GET /healthz answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = $"GET /healthz failed: {e.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "GET /healthz timed out";
            }

            if (time.GetElapsedTime(start) > ReadinessTimeout)
            {
                throw new LoadAbortedException($"{options.Url} is not ready after {ReadinessTimeout.TotalSeconds:0} s ({last})");
            }

            await Task.Delay(ReadinessPoll, time, cancellationToken);
        }
    }

    private async Task<PhaseResult> RunPhaseAsync(IScenario scenario, string phase, TimeSpan duration, CancellationToken cancellationToken)
    {
        var counters = new PhaseCounters();
        var recorders = new LatencyRecorder[options.Senders];
        using var deadline = new CancellationTokenSource(duration, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var progressStop = new CancellationTokenSource();

        var start = time.GetTimestamp();
        var progress = PrintProgressAsync(phase, counters, start, progressStop.Token);
        var senders = new Task[options.Senders];
        for (var i = 0; i < senders.Length; i++)
        {
            var sender = i;
            var recorder = recorders[i] = new LatencyRecorder();
            senders[i] = Task.Run(() => SendLoopAsync(scenario, sender, recorder, counters, start, stop.Token, cancellationToken), CancellationToken.None);
        }

        // Requests in flight at the deadline are allowed to finish (aborting them would tear down
        // connections and leave the server's work uncounted); the phase lasts until the last one ends.
        await Task.WhenAll(senders);
        var elapsed = time.GetElapsedTime(start);
        await progressStop.CancelAsync();
        await progress;
        cancellationToken.ThrowIfCancellationRequested();

        return new PhaseResult(
            start,
            elapsed,
            counters.Requests,
            counters.Events,
            counters.Errors,
            counters.ErrorsByKind(),
            LatencyRecorder.Summarize(recorders));
    }

    private async Task SendLoopAsync(
        IScenario scenario, int sender, LatencyRecorder latency, PhaseCounters counters, long phaseStart, CancellationToken stop, CancellationToken abort)
    {
        // Open loop (--rate): sender i sends at phaseStart + (i / senders + k) × interval. A late answer does not
        // delay the schedule; the next request is simply late, and its latency counts from when it was due.
        long interval = options.Rate is { } rate ? (long)((double)options.Senders * options.Batch / rate * time.TimestampFrequency) : 0;
        long due = phaseStart + interval * sender / options.Senders;
        while (!stop.IsCancellationRequested && !scenario.IsFinished)
        {
            var begin = time.GetTimestamp();
            if (interval > 0)
            {
                if (due > begin)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)(due - begin) / time.TimestampFrequency), time, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                begin = due;
                due += interval;
            }

            StepOutcome outcome;
            try
            {
                outcome = await scenario.ExecuteAsync(sender, abort);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                outcome = StepOutcome.Failed(Classify(e), ExceptionBackoff);
            }

            if (outcome.Succeeded)
            {
                latency.Record(time.GetElapsedTime(begin));
                counters.Succeeded(outcome.Events);
            }
            else
            {
                counters.Failed(outcome.ErrorKind!);
            }

            if (outcome.Backoff > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(outcome.Backoff < MaxBackoff ? outcome.Backoff : MaxBackoff, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static string Classify(Exception exception) => exception switch
    {
        TaskCanceledException { InnerException: TimeoutException } => "timeout",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => "connection",
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "response_ended",
        HttpRequestException e when FindSocketError(e) is { } socketError => $"socket_{socketError}".ToLowerInvariant(),
        HttpRequestException e => $"http_{e.HttpRequestError}".ToLowerInvariant(),
        _ => exception.GetType().Name,
    };

    // "Unknown" request errors are mostly resets from an overloaded server; the socket error says which.
    private static SocketError? FindSocketError(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    private async Task PrintProgressAsync(string phase, PhaseCounters counters, long start, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        long previousEvents = 0;
        var previousAt = start;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = time.GetTimestamp();
                var elapsed = time.GetElapsedTime(start, now).TotalSeconds;
                var events = counters.Events;
                var sinceLast = time.GetElapsedTime(previousAt, now).TotalSeconds;
                output.WriteLine(
                    $"[{phase} {elapsed,5:0}s] accepted {events,12:N0} events  {events / elapsed,10:N0}/s avg  " +
                    $"{(events - previousEvents) / sinceLast,10:N0}/s now  {counters.Requests / elapsed,8:N1} req/s  errors {counters.Errors:N0}");
                previousEvents = events;
                previousAt = now;
            }
        }
        catch (OperationCanceledException)
        {
            // The phase is over.
        }
    }
}
