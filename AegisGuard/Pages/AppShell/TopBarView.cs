namespace AegisGuard.Pages.AppShell;

/// <summary>What the top bar shows: the org's name (null when it could not be read) and who is signed in (null: nobody).</summary>
public sealed record TopBarView(string? OrgName, string? UserName)
{
    /// <summary>One or two letters for the avatar.</summary>
    public string Initials => string.IsNullOrWhiteSpace(UserName) ? "?" : UserName.Trim()[..1].ToUpperInvariant();
}
