namespace AegisGuard.Tests.Identity.Support;

/// <summary>Request bodies the identity tests send often.</summary>
public static class Bodies
{
    public static object Key(string name, params string[] scopes) => new { name, scopes };

    public static object Allowlist(params string[] ranges) => new { ip_allowlist = ranges };
}
