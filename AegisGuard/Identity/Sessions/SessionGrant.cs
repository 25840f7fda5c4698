namespace AegisGuard.Identity.Sessions;

/// <summary>What an access token says about its session.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The user's e-mail.</param>
/// <param name="OrgId">The active org.</param>
/// <param name="OrgSlug">The active org's slug.</param>
/// <param name="Role">The user's role in the active org.</param>
/// <param name="FamilyId">The refresh-token family of this sign-in.</param>
/// <param name="Restriction">A <see cref="SessionRestrictions"/> value, or null.</param>
public sealed record SessionGrant(long UserId, string Email, int OrgId, string OrgSlug, string Role, string FamilyId, string? Restriction);
