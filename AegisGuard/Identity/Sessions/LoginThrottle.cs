using System.Collections.Concurrent;
using System.Net;
using AegisGuard.Storage.Metadata;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Throttles failed sign-ins so that an attacker cannot use it to lock the owner out (ASVS 2.2.1). Three counters:
/// <list type="number">
/// <item>per (address, account): after <see cref="SecurityOptions.LockoutThreshold"/> failures in a row that address
/// waits <see cref="SecurityOptions.LockoutDuration"/> for that account only — the counter most guessing meets;</item>
/// <item>per account, from anywhere: the last resort at <see cref="SecurityOptions.AccountLockoutThreshold"/>, a lock
/// for every browser but known devices;</item>
/// <item>per address, over all accounts: past <see cref="SecurityOptions.IpFailureLimit"/> failures in the window, a
/// delay that doubles with each failure up to <see cref="SecurityOptions.IpMaxDelay"/> — a spray slows down, while the
/// people behind the same address wait seconds, not the window.</item>
/// </list>
/// A known device (<see cref="KnownDevices"/>) passes all three until it fails <see cref="SecurityOptions.LockoutThreshold"/>
/// times itself. Unknown e-mails are counted exactly like real ones, so no answer says whether an account exists.
/// Account and pair counts live in meta.db (a restart forgives nothing); address and device counts live in memory.
/// </summary>
public sealed class LoginThrottle(MetadataStore store, TimeProvider time, IOptions<SecurityOptions> options)
{
    private const int MaxTracked = 100_000;
    private const int PurgeEvery = 256;
    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> addresses = new();
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> devices = new(StringComparer.Ordinal);
    private int failuresSincePurge;

    /// <summary>How long the address must wait before its next attempt, or null when it may try now.</summary>
    public TimeSpan? AddressBlockedFor(IPAddress address)
    {
        if (!addresses.TryGetValue(address, out var failures))
        {
            return null;
        }

        var settings = options.Value;
        var now = time.GetUtcNow();
        lock (failures)
        {
            Trim(failures, now - settings.IpFailureWindow);
            if (failures.Count < settings.IpFailureLimit)
            {
                return null;
            }

            int excess = Math.Min(failures.Count - settings.IpFailureLimit, 30);
            var delay = TimeSpan.FromSeconds(Math.Min(settings.IpMaxDelay.TotalSeconds, Math.Pow(2, excess)));
            var until = failures.Last() + delay;
            return until > now ? until - now : null;
        }
    }

    /// <summary>How long <paramref name="address"/> stays blocked for <paramref name="email"/>, or null.</summary>
    public TimeSpan? PairBlockedFor(string email, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = time.GetUtcNow().UtcDateTime;
        return store.LoginPairBlockedUntil(email, address.ToString()) is { } until && until > now ? until - now : null;
    }

    /// <summary>How long the account-wide lock lasts, or null when the account is not locked.</summary>
    public TimeSpan? AccountLockedFor(string email)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return store.LoginLockedUntil(email) is { } until && until > now ? until - now : null;
    }

    /// <summary>True while the known device <paramref name="deviceId"/> has failed fewer times than the threshold.</summary>
    public bool DeviceTrusted(string deviceId)
    {
        if (!devices.TryGetValue(deviceId, out var failures))
        {
            return true;
        }

        var settings = options.Value;
        lock (failures)
        {
            Trim(failures, time.GetUtcNow() - settings.LockoutDuration);
            return failures.Count < settings.LockoutThreshold;
        }
    }

    /// <summary>Counts a failure against the address, the pair, the account and the device (if any); says which blocks it started.</summary>
    public LoginFailureOutcome RecordFailure(string email, IPAddress address, string? deviceId = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var settings = options.Value;
        var now = time.GetUtcNow();
        Prune(now);
        Count(addresses.GetOrAdd(address, _ => new Queue<DateTimeOffset>()), now, settings.IpFailureWindow);
        if (deviceId is not null)
        {
            Count(devices.GetOrAdd(deviceId, _ => new Queue<DateTimeOffset>()), now, settings.LockoutDuration);
        }

        if (Interlocked.Increment(ref failuresSincePurge) % PurgeEvery == 0)
        {
            store.PurgeLoginFailures(now.UtcDateTime - settings.LockoutDuration);
            store.PurgeLoginPairFailures(now.UtcDateTime - settings.LockoutDuration);
        }

        var pair = store.RecordLoginPairFailure(email, address.ToString(), now.UtcDateTime, settings.LockoutThreshold, settings.LockoutDuration);
        var account = store.RecordLoginFailure(email, now.UtcDateTime, settings.AccountLockoutThreshold, settings.LockoutDuration);
        return new LoginFailureOutcome(
            PairBlockedNow: pair.Failures == settings.LockoutThreshold && pair.LockedUntil is not null,
            AccountLockedNow: account.Failures == settings.AccountLockoutThreshold && account.LockedUntil is not null,
            AccountFailures: account.Failures);
    }

    /// <summary>
    /// A successful sign-in forgets its address's failures for the account and the account's count — but not a running
    /// block or lock (a known device passed it; the guesser has not), nor the address's count (one good password does
    /// not excuse a spray).
    /// </summary>
    public void RecordSuccess(string email, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = time.GetUtcNow().UtcDateTime;
        store.ClearLoginPairFailures(email, address.ToString(), now);
        store.ClearUnlockedLoginFailures(email, now);
    }

    private static void Count(Queue<DateTimeOffset> failures, DateTimeOffset now, TimeSpan window)
    {
        lock (failures)
        {
            Trim(failures, now - window);
            failures.Enqueue(now);
        }
    }

    private static void Trim(Queue<DateTimeOffset> failures, DateTimeOffset windowStart)
    {
        while (failures.Count > 0 && failures.Peek() < windowStart)
        {
            failures.Dequeue();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        var settings = options.Value;
        Prune(addresses, now - settings.IpFailureWindow);
        Prune(devices, now - settings.LockoutDuration);
    }

    private static void Prune<TKey>(ConcurrentDictionary<TKey, Queue<DateTimeOffset>> counters, DateTimeOffset windowStart)
        where TKey : notnull
    {
        if (counters.Count < MaxTracked)
        {
            return;
        }

        foreach (var (key, failures) in counters)
        {
            lock (failures)
            {
                Trim(failures, windowStart);
                if (failures.Count == 0)
                {
                    counters.TryRemove(key, out _);
                }
            }
        }
    }
}
