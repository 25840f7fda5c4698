using AegisGuard.Identity;
using AegisGuard.Identity.Passwords;
using Microsoft.Extensions.Options;

namespace AegisGuard.Tests.Identity;

/// <summary>The strength rule and the Argon2id hasher (self-describing hashes, rehash when parameters change).</summary>
public sealed class PasswordTests
{
    [Theory]
    [InlineData("Short1!", "at least 12")]
    [InlineData("alllowercaseletters", "three of")]
    [InlineData("ALLUPPER12345", "three of")]
    [InlineData("carol.smith-Rocks1", "e-mail")]
    [InlineData("Password1234", "well-known")]
    [InlineData("ChangeMeNow!123", "well-known")]
    [InlineData("", "required")]
    public void Weak_passwords_are_refused_with_the_reason(string password, string reason)
    {
        string? problem = PasswordPolicy.Check(password, "carol.smith@example.com");
        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Correct-Horse-42")]
    [InlineData("tangerine blue 7 sky")]
    [InlineData("Überlange Passphrase")]
    public void Strong_passwords_pass(string password) => Assert.Null(PasswordPolicy.Check(password, "carol.smith@example.com"));

    [Fact]
    public void A_hash_describes_its_parameters_and_verifies_only_the_right_password()
    {
        var hasher = Hasher(memoryKiB: 1024, iterations: 1);
        string hash = hasher.Hash("Correct-Horse-42");

        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", hash, StringComparison.Ordinal);
        Assert.NotEqual(hash, hasher.Hash("Correct-Horse-42")); // salted
        Assert.Equal(new PasswordVerification(true, false), hasher.Verify("Correct-Horse-42", hash));
        Assert.False(hasher.Verify("Correct-Horse-43", hash).Succeeded);
        Assert.False(hasher.Verify("Correct-Horse-42", "$argon2id$v=19$m=1024,t=1,p=1$garbage").Succeeded);
        Assert.False(hasher.Verify("Correct-Horse-42", "plain text").Succeeded);
    }

    [Fact]
    public void A_hash_made_with_older_parameters_still_verifies_and_asks_for_a_rehash()
    {
        string old = Hasher(memoryKiB: 1024, iterations: 1).Hash("Correct-Horse-42");
        var current = Hasher(memoryKiB: 2048, iterations: 2);

        var result = current.Verify("Correct-Horse-42", old);

        Assert.True(result.Succeeded);
        Assert.True(result.NeedsRehash);
        Assert.False(current.Verify("Correct-Horse-42", current.Hash("Correct-Horse-42")).NeedsRehash);
    }

    [Fact]
    public void The_default_parameters_are_owasps()
    {
        var defaults = new PasswordHasher(Options.Create(new SecurityOptions())).Current;
        Assert.Equal(new Argon2Parameters(19 * 1024, 2, 1), defaults);
    }

    private static PasswordHasher Hasher(int memoryKiB, int iterations) =>
        new(Options.Create(new SecurityOptions { Argon2MemoryKiB = memoryKiB, Argon2Iterations = iterations, Argon2Parallelism = 1 }));
}
