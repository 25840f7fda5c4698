namespace AegisGuard.Load;

/// <summary>The command line of <see cref="SideBySide"/>.</summary>
internal sealed record SideBySideOptions
{
    public required Uri Url { get; init; }

    public required Uri ClickHouse { get; init; }

    public required string DataDir { get; init; }

    public required string KeyId { get; init; }

    public required string Secret { get; init; }

    public long Events { get; init; } = 1_000_000;

    public TimeSpan Span { get; init; } = TimeSpan.FromHours(24);

    public int Senders { get; init; } = 8;

    public int Batch { get; init; } = 1000;

    public int Iterations { get; init; } = 20;
}
