using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Counts failed sign-ins per account and per client address. An account locks for
/// <see cref="SecurityOptions.LockoutDuration"/> after <see cref="SecurityOptions.LockoutThreshold"/> failures in
/// a row; an address that fails <see cref="SecurityOptions.IpFailureLimit"/> times within the window gets 429
/// until its oldest failure leaves the window. Unknown e-mails are counted exactly like real ones, so a lockout
/// says nothing about whether an account exists. Kept in memory: a restart forgives (documented trade-off).
/// </summary>
public sealed class LoginThrottle(TimeProvider time, IOptions<SecurityOptions> options)
{
    private const int MaxTracked = 100_000;
    private readonly ConcurrentDictionary<string, AccountState> accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> addresses = new();

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
        if (!accounts.TryGetValue(email, out var state))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (state)
        {
            return state.LockedUntil is { } until && until > now ? until - now : null;
        }
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

        var state = accounts.GetOrAdd(email, _ => new AccountState());
        lock (state)
        {
            if (state.LockedUntil is { } until && until <= now)
            {
                state.LockedUntil = null;
                state.Failures = 0;
            }

            state.Failures++;
            state.LastFailure = now;
            if (state.LockedUntil is null && state.Failures >= settings.LockoutThreshold)
            {
                state.LockedUntil = now + settings.LockoutDuration;
                return true;
            }

            return false;
        }
    }

    /// <summary>A successful sign-in resets the account's count (not the address's: one good password does not excuse a spray).</summary>
    public void RecordSuccess(string email) => accounts.TryRemove(email, out _);

    private static void Trim(Queue<DateTimeOffset> failures, DateTimeOffset windowStart)
    {
        while (failures.Count > 0 && failures.Peek() < windowStart)
        {
            failures.Dequeue();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (accounts.Count < MaxTracked && addresses.Count < MaxTracked)
        {
            return;
        }

        var settings = options.Value;
        foreach (var (email, state) in accounts)
        {
            lock (state)
            {
                if ((state.LockedUntil is null || state.LockedUntil <= now) && now - state.LastFailure > settings.LockoutDuration)
                {
                    accounts.TryRemove(email, out _);
                }
            }
        }

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

    private sealed class AccountState
    {
        public int Failures { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }

        public DateTimeOffset LastFailure { get; set; }
    }
}
