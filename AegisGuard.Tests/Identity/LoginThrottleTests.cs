using System.Net;
using AegisGuard.Identity;
using AegisGuard.Identity.Sessions;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AegisGuard.Tests.Identity;

/// <summary>Throttle state of accounts and (address, account) pairs is kept in meta.db: a restart does not forgive it, time does.</summary>
public sealed class LoginThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.9");
    private static readonly IPAddress Owner = IPAddress.Parse("198.51.100.7");

    [Fact]
    public void An_address_block_survives_a_restart_holds_only_that_pair_and_ends_after_its_duration_with_a_fresh_count()
    {
        using var dir = new TempDirectory();
        string db = Path.Combine(dir.Path, "meta.db");
        var clock = new FakeTimeProvider(Start);
        var before = Throttle(new MetadataStore(db), clock);
        for (int i = 1; i < 5; i++)
        {
            Assert.False(before.RecordFailure("Carol@Example.com", Attacker).PairBlockedNow);
        }

        Assert.True(before.RecordFailure("carol@example.com", Attacker).PairBlockedNow);

        var restarted = Throttle(new MetadataStore(db), clock);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(5), restarted.PairBlockedFor("CAROL@example.com", Attacker));
        Assert.Null(restarted.PairBlockedFor("carol@example.com", Owner));
        Assert.Null(restarted.AccountLockedFor("carol@example.com"));

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(restarted.PairBlockedFor("carol@example.com", Attacker));
        Assert.False(restarted.RecordFailure("carol@example.com", Attacker).PairBlockedNow); // the count starts again at one
        Assert.Null(restarted.PairBlockedFor("carol@example.com", Attacker));
    }

    [Fact]
    public void The_account_locks_only_at_the_much_higher_account_threshold_from_many_addresses()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        var throttle = Throttle(new MetadataStore(Path.Combine(dir.Path, "meta.db")), clock);
        for (int i = 1; i < 50; i++)
        {
            var outcome = throttle.RecordFailure("dave@example.com", IPAddress.Parse($"203.0.113.{i}"));
            Assert.False(outcome.AccountLockedNow);
            Assert.False(outcome.PairBlockedNow);
        }

        Assert.Null(throttle.AccountLockedFor("dave@example.com"));
        Assert.True(throttle.RecordFailure("dave@example.com", IPAddress.Parse("203.0.113.50")).AccountLockedNow);
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.AccountLockedFor("dave@example.com"));

        // A success from a known device does not end the lock the guessing caused.
        throttle.RecordSuccess("dave@example.com", Owner);
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.AccountLockedFor("dave@example.com"));
    }

    [Fact]
    public void Success_forgets_the_pair_and_account_counts_and_old_failures_stop_counting()
    {
        using var dir = new TempDirectory();
        var store = new MetadataStore(Path.Combine(dir.Path, "meta.db"));
        var clock = new FakeTimeProvider(Start);
        var throttle = Throttle(store, clock);
        for (int i = 0; i < 4; i++)
        {
            throttle.RecordFailure("dave@example.com", Attacker);
        }

        throttle.RecordSuccess("dave@example.com", Attacker);
        Assert.Equal(1, throttle.RecordFailure("dave@example.com", Attacker).AccountFailures);
        Assert.False(throttle.RecordFailure("dave@example.com", Attacker).PairBlockedNow);

        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(1, throttle.RecordFailure("dave@example.com", Attacker).AccountFailures);
        Assert.Equal(0, store.PurgeLoginPairFailures(clock.GetUtcNow().UtcDateTime.AddMinutes(-15))); // the pair row was just refreshed
        Assert.Equal(1, store.PurgeLoginPairFailures(clock.GetUtcNow().UtcDateTime.AddMinutes(1)));
    }

    [Fact]
    public void An_address_over_its_limit_waits_a_doubling_delay_capped_at_the_maximum_not_the_window()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        var throttle = Throttle(new MetadataStore(Path.Combine(dir.Path, "meta.db")), clock,
            new SecurityOptions { IpFailureLimit = 3, IpMaxDelay = TimeSpan.FromSeconds(10) });
        for (int i = 0; i < 2; i++)
        {
            throttle.RecordFailure($"user{i}@example.com", Attacker);
        }

        Assert.Null(throttle.AddressBlockedFor(Attacker));
        var waits = new List<TimeSpan?>();
        for (int i = 2; i < 8; i++)
        {
            throttle.RecordFailure($"user{i}@example.com", Attacker);
            waits.Add(throttle.AddressBlockedFor(Attacker));
        }

        Assert.Equal([1, 2, 4, 8, 10, 10], waits.Select(w => w!.Value.TotalSeconds));
        Assert.Null(throttle.AddressBlockedFor(Owner));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(throttle.AddressBlockedFor(Attacker));
    }

    [Fact]
    public void A_known_device_loses_its_pass_after_as_many_failures_as_an_address()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider(Start);
        var throttle = Throttle(new MetadataStore(Path.Combine(dir.Path, "meta.db")), clock);
        for (int i = 0; i < 4; i++)
        {
            throttle.RecordFailure("erin@example.com", Owner, "device-1");
        }

        Assert.True(throttle.DeviceTrusted("device-1"));
        throttle.RecordFailure("erin@example.com", Owner, "device-1");
        Assert.False(throttle.DeviceTrusted("device-1"));
        Assert.True(throttle.DeviceTrusted("device-2"));
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.True(throttle.DeviceTrusted("device-1"));
    }

    private static LoginThrottle Throttle(MetadataStore store, TimeProvider clock, SecurityOptions? options = null) =>
        new(store, clock, Options.Create(options ?? new SecurityOptions()));
}
