namespace AegisGuard.Identity.Users;

/// <summary>The outcome of changing or removing a membership.</summary>
public enum MemberChange
{
    /// <summary>Done (and audited).</summary>
    Done,

    /// <summary>No such member in the caller's org.</summary>
    NotFound,

    /// <summary>Granting, taking away or removing OWNER needs an OWNER.</summary>
    OwnerRequired,

    /// <summary>The org would be left without an OWNER.</summary>
    LastOwner,
}
