using System.Net;
using AegisGuard.Identity;
using AegisGuard.Identity.Sessions;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.Options;

namespace AegisGuard.Tests.Identity;

/// <summary>Account lockouts are kept in meta.db: a restart does not forgive them, time does.</summary>
public sealed class LoginThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.9");

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = Start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_lock_survives_a_restart_and_ends_after_its_duration_with_a_fresh_count()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "meta.db");
        var clock = new Clock();
        var before = Throttle(new MetadataStore(db), clock);
        for (int i = 1; i < 5; i++)
        {
            Assert.False(before.RecordFailure("Carol@Example.com", Attacker));
        }

        Assert.True(before.RecordFailure("carol@example.com", Attacker));

        var restarted = Throttle(new MetadataStore(db), clock);
        clock.Now = Start.AddMinutes(10);
        Assert.Equal(TimeSpan.FromMinutes(5), restarted.AccountLockedFor("CAROL@example.com"));

        clock.Now = Start.AddMinutes(15);
        Assert.Null(restarted.AccountLockedFor("carol@example.com"));
        Assert.False(restarted.RecordFailure("carol@example.com", Attacker)); // the count starts again at one
        Assert.Null(restarted.AccountLockedFor("carol@example.com"));
    }

    [Fact]
    public void Success_forgets_the_failures_and_old_failures_stop_counting()
    {
        using var dir = new TempDirectory();
        var store = new MetadataStore(Path.Combine(dir.Path, "meta.db"));
        var clock = new Clock();
        var throttle = Throttle(store, clock);
        for (int i = 0; i < 4; i++)
        {
            throttle.RecordFailure("dave@example.com", Attacker);
        }

        throttle.RecordSuccess("dave@example.com");
        Assert.False(throttle.RecordFailure("dave@example.com", Attacker));

        for (int i = 0; i < 3; i++)
        {
            throttle.RecordFailure("erin@example.com", Attacker);
        }

        clock.Now = Start.AddMinutes(16);
        Assert.Equal(1, store.RecordLoginFailure("erin@example.com", clock.Now.UtcDateTime, 5, TimeSpan.FromMinutes(15)).Failures);
        Assert.Equal(1, store.PurgeLoginFailures(clock.Now.UtcDateTime.AddMinutes(-15))); // dave's failure from the start; erin's new one stays
        Assert.Equal(2, store.RecordLoginFailure("erin@example.com", clock.Now.UtcDateTime, 5, TimeSpan.FromMinutes(15)).Failures);
    }

    private static LoginThrottle Throttle(MetadataStore store, TimeProvider clock) =>
        new(store, clock, Options.Create(new SecurityOptions()));
}
