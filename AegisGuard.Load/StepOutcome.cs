namespace AegisGuard.Load;

/// <summary>What one request achieved: events acknowledged, or the kind of error and how long to back off.</summary>
internal readonly record struct StepOutcome(long Events, string? ErrorKind, TimeSpan Backoff)
{
    public bool Succeeded => ErrorKind is null;

    public static StepOutcome Accepted(long events) => new(events, null, TimeSpan.Zero);

    public static StepOutcome Failed(string kind, TimeSpan backoff) => new(0, kind, backoff);
}
