namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Endpoint or page metadata: usable while the session is restricted (<see cref="SessionRestrictions"/>), e.g.
/// password change, MFA enrolment, "who am I", logout. Put it on a PageModel class or add it with
/// <c>.WithMetadata(new AllowDuringRestrictionAttribute())</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class AllowDuringRestrictionAttribute(params string[] restrictions) : Attribute
{
    /// <summary>The restrictions it is allowed under; empty means all.</summary>
    public IReadOnlyList<string> Restrictions { get; } = restrictions;

    public bool Allows(string restriction) => Restrictions.Count == 0 || Restrictions.Contains(restriction);
}
