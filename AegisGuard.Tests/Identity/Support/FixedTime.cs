namespace AegisGuard.Tests.Identity.Support;

/// <summary>A clock that always says the same time.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
