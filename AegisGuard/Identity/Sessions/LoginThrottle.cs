using System.Collections.Concurrent;
using System.Net;
using AegisGuard.Storage.Metadata;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Counts failed sign-ins per account and per client address. An account locks for
/// <see cref="SecurityOptions.LockoutDuration"/> after <see cref="SecurityOptions.LockoutThreshold"/> failures in
/// a row; an address that fails <see cref="SecurityOptions.IpFailureLimit"/> times within the window gets 429
/// until its oldest failure leaves the window. Unknown e-mails are counted exactly like real ones, so a lockout
/// says nothing about whether an account exists. Account counts and locks live in meta.db (a restart keeps a lock);
/// address counts live in memory (a restart forgives an address, never an account).
/// </summary>
public sealed class LoginThrottle(MetadataStore store, TimeProvider time, IOptions<SecurityOptions> options)
{
    private const int MaxTracked = 100_000;
    private const int PurgeEvery = 256;
    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> addresses = new();
    private int failuresSincePurge;

    /// <summary>How long the address must wait, or null when it may try.</summary>
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
            return failures.Count >= settings.IpFailureLimit ? failures.Peek() + settings.IpFailureWindow - now : null;
        }
    }

    /// <summary>How long the account stays locked, or null when it is not locked.</summary>
    public TimeSpan? AccountLockedFor(string email)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return store.LoginLockedUntil(email) is { } until && until > now ? until - now : null;
    }

    /// <summary>Counts a failure; true when this failure locked the account.</summary>
    public bool RecordFailure(string email, IPAddress address)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        Prune(now);
        var failures = addresses.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Trim(failures, now - settings.IpFailureWindow);
            failures.Enqueue(now);
        }

        if (Interlocked.Increment(ref failuresSincePurge) % PurgeEvery == 0)
        {
            store.PurgeLoginFailures(now.UtcDateTime - settings.LockoutDuration);
        }

        var count = store.RecordLoginFailure(email, now.UtcDateTime, settings.LockoutThreshold, settings.LockoutDuration);
        return count.Failures == settings.LockoutThreshold && count.LockedUntil is not null;
    }

    /// <summary>A successful sign-in resets the account's count (not the address's: one good password does not excuse a spray).</summary>
    public void RecordSuccess(string email) => store.ClearLoginFailures(email);

    private static void Trim(Queue<DateTimeOffset> failures, DateTimeOffset windowStart)
    {
        while (failures.Count > 0 && failures.Peek() < windowStart)
        {
            failures.Dequeue();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (addresses.Count < MaxTracked)
        {
            return;
        }

        var settings = options.Value;
        foreach (var (address, failures) in addresses)
        {
            lock (failures)
            {
                Trim(failures, now - settings.IpFailureWindow);
                if (failures.Count == 0)
                {
                    addresses.TryRemove(address, out _);
                }
            }
        }
    }
}
