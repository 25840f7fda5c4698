using AegisGuard.Identity;

namespace AegisGuard.Pages.AppShell;

/// <summary>
/// What the top bar shows: the active org's name (null when it could not be read), who is signed in (null: nobody, as on
/// the sign-in and error pages), their role there, and every org they belong to (the switcher appears when there are
/// several).
/// </summary>
public sealed record TopBarView(string? OrgName, string? UserName, string? Role = null, string? OrgSlug = null, IReadOnlyList<OrgMembershipInfo>? Orgs = null)
{
    /// <summary>The bar of a request without a signed-in user.</summary>
    public static readonly TopBarView Anonymous = new(null, null);

    /// <summary>One or two letters for the avatar.</summary>
    public string Initials => string.IsNullOrWhiteSpace(UserName) ? "?" : UserName.Trim()[..1].ToUpperInvariant();

    /// <summary>True when the user may switch to another org.</summary>
    public bool CanSwitchOrg => Orgs is { Count: > 1 };
}
