using System.Net;
using AegisGuard.Identity.Users;
using AegisGuard.Tests.Identity.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// Sign-in throttling that an attacker cannot turn into a lockout of the owner (ASVS 2.2.1): per address and account,
/// a known-device cookie that passes, an account-wide lock only as a last resort, a progressive delay per address,
/// and an audited admin unlock (the ingestion 429 is proven by IngestLimitsTests).
/// </summary>
public sealed class LockoutTests
{
    private const string Carol = "carol@example.com";

    [Fact]
    public async Task Failures_from_one_address_block_that_address_for_that_account_only_and_are_audited()
    {
        using var factory = IdentityApp.NewFactory();
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: "198.51.100.1");
        await IdentityApp.MemberAsync(factory, admin, Carol, "USER");

        var attacker = new SessionClient(factory, forwardedFor: "203.0.113.9");
        for (int i = 1; i <= 4; i++)
        {
            await Json.ProblemAsync(await attacker.LoginAsync(Carol, $"Guess-Number-{i}"), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var fifth = await attacker.LoginAsync(Carol, "Guess-Number-5");
        await Json.ProblemAsync(fifth, HttpStatusCode.TooManyRequests, "account_locked");
        Assert.True(fifth.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(14));

        // The attacker's address stays blocked for Carol even with her password; Carol elsewhere is not affected.
        await Json.ProblemAsync(await new SessionClient(factory, forwardedFor: "203.0.113.9").LoginAsync(Carol, IdentityApp.UserPassword),
            HttpStatusCode.TooManyRequests, "account_locked");
        await new SessionClient(factory, forwardedFor: "198.51.100.7").LoginOkAsync(Carol, IdentityApp.UserPassword);

        var locked = await IdentityApp.AuditAsync(admin, "action=auth.locked");
        var entry = Assert.Single(locked);
        Assert.Equal(Carol, entry.GetProperty("target").GetString());
        Assert.Equal("203.0.113.9", entry.GetProperty("ip").GetString());
        Assert.Equal("address", entry.GetProperty("details").GetProperty("scope").GetString());
        Assert.Equal(5, (await IdentityApp.AuditAsync(admin, "action=auth.login_failed&actor=carol%40example.com&outcome=failure")).Count);
    }

    [Fact]
    public async Task A_known_browser_signs_in_behind_an_address_that_is_blocked_for_its_account()
    {
        using var factory = IdentityApp.NewFactory();
        var admin = await IdentityApp.AdminAsync(factory);
        var (carol, _) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER", forwardedFor: "192.0.2.50");
        Assert.NotNull(carol.Cookie("aegis_device"));

        // Someone behind the same NAT guesses Carol's password until the address is blocked for her.
        var colleague = new SessionClient(factory, forwardedFor: "192.0.2.50");
        for (int i = 1; i <= 5; i++)
        {
            await colleague.LoginAsync(Carol, $"Guess-Number-{i}");
        }

        await Json.ProblemAsync(await colleague.LoginAsync(Carol, IdentityApp.UserPassword), HttpStatusCode.TooManyRequests, "account_locked");
        await carol.LoginOkAsync(Carol, IdentityApp.UserPassword);

        // Carol's sign-in did not lift the block for the guesser, and a made-up device cookie does not pass it.
        var forged = new SessionClient(factory, forwardedFor: "192.0.2.50");
        forged.SetCookie("aegis_device", "not-a-device-cookie");
        await Json.ProblemAsync(await forged.LoginAsync(Carol, IdentityApp.UserPassword), HttpStatusCode.TooManyRequests, "account_locked");
    }

    [Fact]
    public async Task The_account_wide_lock_is_a_last_resort_that_known_browsers_still_pass()
    {
        using var factory = IdentityApp.NewFactory(new Dictionary<string, string?> { ["Aegis:Security:AccountLockoutThreshold"] = "6" });
        var admin = await IdentityApp.AdminAsync(factory);
        var (carol, _) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER", forwardedFor: "198.51.100.20");

        // A distributed guess: two failures from each of three addresses, none of them blocked on its own.
        foreach (string address in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3" })
        {
            var bot = new SessionClient(factory, forwardedFor: address);
            await Json.ProblemAsync(await bot.LoginAsync(Carol, "Guess-Number-1"), HttpStatusCode.Unauthorized, "invalid_credentials");
            await bot.LoginAsync(Carol, "Guess-Number-2");
        }

        await Json.ProblemAsync(await new SessionClient(factory, forwardedFor: "198.51.100.99").LoginAsync(Carol, IdentityApp.UserPassword),
            HttpStatusCode.TooManyRequests, "account_locked");
        await carol.LoginOkAsync(Carol, IdentityApp.UserPassword);

        var entry = Assert.Single(await IdentityApp.AuditAsync(admin, "action=auth.locked"));
        Assert.Equal("account", entry.GetProperty("details").GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Unknown_accounts_are_throttled_exactly_like_real_ones()
    {
        using var factory = IdentityApp.NewFactory();
        var attacker = new SessionClient(factory, forwardedFor: "203.0.113.10");
        for (int i = 1; i <= 4; i++)
        {
            await Json.ProblemAsync(await attacker.LoginAsync("ghost@example.com", $"Guess-Number-{i}"), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        await Json.ProblemAsync(await attacker.LoginAsync("ghost@example.com", "Guess-Number-5"), HttpStatusCode.TooManyRequests, "account_locked");
        Assert.Null(attacker.Cookie("aegis_device"));
    }

    [Fact]
    public async Task Twenty_failures_from_one_address_only_delay_the_people_behind_it_briefly()
    {
        var clock = IdentityApp.Clock();
        using var factory = IdentityApp.NewFactory(time: clock);
        var admin = await IdentityApp.AdminAsync(factory);
        var (carol, _) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER", forwardedFor: "192.0.2.66");
        await IdentityApp.MemberAsync(factory, admin, "dave@example.com", "USER", forwardedFor: "198.51.100.5");

        var sprayer = new SessionClient(factory, forwardedFor: "192.0.2.66");
        for (int i = 0; i < 20; i++)
        {
            await Json.ProblemAsync(await sprayer.LoginAsync($"user{i}@example.com", "Spray-Password-1"), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        // A known browser behind the address is not delayed at all.
        await carol.LoginOkAsync(Carol, IdentityApp.UserPassword);

        // A new browser behind it waits a second, not the window, and then signs in.
        var dave = new SessionClient(factory, forwardedFor: "192.0.2.66");
        using var delayed = await dave.LoginAsync("dave@example.com", IdentityApp.UserPassword);
        await Json.ProblemAsync(delayed, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.Equal(TimeSpan.FromSeconds(1), delayed.Headers.RetryAfter?.Delta);
        clock.Advance(TimeSpan.FromSeconds(1));
        await dave.LoginOkAsync("dave@example.com", IdentityApp.UserPassword);

        // Each further failure doubles the wait, up to a minute.
        clock.Advance(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 10; i++)
        {
            await sprayer.LoginAsync($"user{i}@example.com", "Spray-Password-1");
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await sprayer.LoginAsync("user0@example.com", "Spray-Password-1");
        using var capped = await new SessionClient(factory, forwardedFor: "192.0.2.66").LoginAsync("dave@example.com", IdentityApp.UserPassword);
        await Json.ProblemAsync(capped, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.Equal(TimeSpan.FromMinutes(1), capped.Headers.RetryAfter!.Delta);

        // Another address is not affected.
        await new SessionClient(factory, forwardedFor: "192.0.2.67").LoginOkAsync(UserService.FirstAdminEmail, IdentityApp.AdminPassword);
    }

    [Fact]
    public async Task An_admin_sees_who_is_locked_until_when_and_unlocks_them_with_an_audit_entry()
    {
        using var factory = IdentityApp.NewFactory(new Dictionary<string, string?> { ["Aegis:Security:AccountLockoutThreshold"] = "5" });
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, carolId) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER");
        var (member, _) = await IdentityApp.MemberAsync(factory, admin, "erin@example.com", "USER");
        Assert.Empty((await Json.OkAsync(await admin.GetAsync("/api/users/lockouts"))).EnumerateArray());

        var attacker = new SessionClient(factory, forwardedFor: "203.0.113.9");
        for (int i = 1; i <= 5; i++)
        {
            await attacker.LoginAsync(Carol, $"Guess-Number-{i}");
        }

        var lockout = Assert.Single((await Json.OkAsync(await admin.GetAsync("/api/users/lockouts"))).EnumerateArray());
        Assert.Equal(carolId, lockout.GetProperty("id").GetInt64());
        Assert.True(lockout.GetProperty("account_locked_until").GetDateTime() > DateTime.UtcNow.AddMinutes(14));
        Assert.Equal(1, lockout.GetProperty("throttled_addresses").GetInt32());
        Assert.Equal(5, lockout.GetProperty("recent_failures").GetInt32());

        // Not for a USER, and not for another org's owner (404, like an unknown id).
        await Json.ProblemAsync(await member.PostAsync($"/api/users/{carolId}/unlock"), HttpStatusCode.Forbidden);
        var (_, otherOwner) = await IdentityApp.OtherOrgAsync(factory, "other", "olga@other.example");
        await Json.ProblemAsync(await otherOwner.PostAsync($"/api/users/{carolId}/unlock"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await new SessionClient(factory, forwardedFor: "203.0.113.9").LoginAsync(Carol, IdentityApp.UserPassword),
            HttpStatusCode.TooManyRequests, "account_locked");

        await Json.OkAsync(await admin.PostAsync($"/api/users/{carolId}/unlock"));
        Assert.Empty((await Json.OkAsync(await admin.GetAsync("/api/users/lockouts"))).EnumerateArray());
        await new SessionClient(factory, forwardedFor: "203.0.113.9").LoginOkAsync(Carol, IdentityApp.UserPassword);

        var unlocked = Assert.Single(await IdentityApp.AuditAsync(admin, "action=auth.unlocked"));
        Assert.Equal(Carol, unlocked.GetProperty("target").GetString());
        Assert.Equal(UserService.FirstAdminEmail, unlocked.GetProperty("actor").GetString());
    }
}
