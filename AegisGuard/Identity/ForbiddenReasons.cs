namespace AegisGuard.Identity;

/// <summary>Why the forbidden page was shown, when it is not a missing permission (its <c>reason</c> query value).</summary>
public static class ForbiddenReasons
{
    /// <summary>The caller's address is outside the org's IP allowlist.</summary>
    public const string IpAllowlist = "ip-allowlist";
}
