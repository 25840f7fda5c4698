using System.Net;
using AegisGuard.Identity.Users;
using AegisGuard.Tests.Identity.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// Login throttling (seed security test 4 for sign-in; the ingestion 429 is proven by
/// IngestLimitsTests.An_org_over_its_rate_limit_gets_429_with_retry_after).
/// </summary>
public sealed class LockoutTests
{
    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password_and_are_audited()
    {
        using var factory = IdentityApp.NewFactory();
        var admin = await IdentityApp.AdminAsync(factory, forwardedFor: "198.51.100.1");
        var (_, _) = await IdentityApp.MemberAsync(factory, admin, "carol@example.com", "USER");

        var attacker = new SessionClient(factory, forwardedFor: "203.0.113.9");
        for (int i = 1; i <= 4; i++)
        {
            await Json.ProblemAsync(await attacker.LoginAsync("carol@example.com", $"Guess-Number-{i}"), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var fifth = await attacker.LoginAsync("carol@example.com", "Guess-Number-5");
        await Json.ProblemAsync(fifth, HttpStatusCode.TooManyRequests, "account_locked");
        Assert.True(fifth.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(14));

        using var right = await new SessionClient(factory, forwardedFor: "198.51.100.7").LoginAsync("carol@example.com", IdentityApp.UserPassword);
        await Json.ProblemAsync(right, HttpStatusCode.TooManyRequests, "account_locked");

        var locked = await IdentityApp.AuditAsync(admin, "action=auth.locked");
        var entry = Assert.Single(locked);
        Assert.Equal("carol@example.com", entry.GetProperty("target").GetString());
        Assert.Equal("203.0.113.9", entry.GetProperty("ip").GetString());
        Assert.Equal(5, (await IdentityApp.AuditAsync(admin, "action=auth.login_failed&actor=carol%40example.com&outcome=failure")).Count);
    }

    [Fact]
    public async Task Unknown_accounts_lock_exactly_like_real_ones()
    {
        using var factory = IdentityApp.NewFactory();
        var attacker = new SessionClient(factory, forwardedFor: "203.0.113.10");
        for (int i = 1; i <= 4; i++)
        {
            await Json.ProblemAsync(await attacker.LoginAsync("ghost@example.com", $"Guess-Number-{i}"), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        await Json.ProblemAsync(await attacker.LoginAsync("ghost@example.com", "Guess-Number-5"), HttpStatusCode.TooManyRequests, "account_locked");
    }

    [Fact]
    public async Task An_address_with_too_many_failures_gets_429_with_retry_after()
    {
        using var factory = IdentityApp.NewFactory(new Dictionary<string, string?> { ["Aegis:Security:IpFailureLimit"] = "3" });
        var sprayer = new SessionClient(factory, forwardedFor: "192.0.2.66");
        for (int i = 0; i < 3; i++)
        {
            await Json.ProblemAsync(await sprayer.LoginAsync($"user{i}@example.com", "Spray-Password-1"), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        using var blocked = await sprayer.LoginAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);
        await Json.ProblemAsync(blocked, HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.NotNull(blocked.Headers.RetryAfter?.Delta);

        // Another address is not affected.
        await new SessionClient(factory, forwardedFor: "192.0.2.67").LoginOkAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);
    }
}
