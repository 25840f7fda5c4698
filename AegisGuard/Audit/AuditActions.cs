namespace AegisGuard.Audit;

/// <summary>The names of audited actions and outcomes, in one place so filters and pages can rely on them.</summary>
public static class AuditActions
{
    public const string Login = "auth.login";
    public const string LoginFailed = "auth.login_failed";
    public const string Locked = "auth.locked";
    public const string Logout = "auth.logout";
    public const string RefreshReuse = "auth.refresh_reuse";
    public const string OrgSwitched = "auth.org_switched";
    public const string MfaEnabled = "mfa.enabled";
    public const string MfaDisabled = "mfa.disabled";
    public const string RecoveryCodeUsed = "mfa.recovery_code_used";
    public const string PasswordChanged = "password.changed";
    public const string KeyCreated = "key.created";
    public const string KeyRevoked = "key.revoked";
    public const string KeyRotated = "key.rotated";
    public const string UserCreated = "user.created";
    public const string UserAdded = "user.added";
    public const string UserRemoved = "user.removed";
    public const string RoleChanged = "role.changed";
    public const string SettingsChanged = "settings.changed";
    public const string OrgCreated = "org.created";
    public const string QuarantineReplayed = "quarantine.replayed";
    public const string QuarantineDiscarded = "quarantine.discarded";
    public const string DamagedFileRelisted = "storage.file_relisted";
    public const string DamagedFileAccepted = "storage.file_accepted";

    // Sign-in, sessions and lockout (issue #8, accounts).
    public const string Unlocked = "auth.unlocked";
    public const string SessionRevoked = "auth.session_revoked";
    public const string OtherSessionsRevoked = "auth.other_sessions_revoked";

    // Audit of refused requests and of the audit anchor (issue #8, audit). Refusals are aggregated per minute by
    // RefusalAudit: one entry per (org or instance, actor, address, action, reason) with a count in its details.
    public const string CsrfRejected = "refused.csrf";
    public const string AccessDenied = "refused.forbidden";
    public const string TokenRejected = "refused.token";
    public const string CrossOrgProbe = "refused.cross_org_probe";
    public const string ApiKeyRejected = "refused.api_key";
    public const string SignatureRejected = "refused.signature";
    public const string RefusalsOverflow = "refused.overflow";
    public const string Reanchored = "audit.reanchored";

    // Tenancy (issue #8): invitations into orgs and instance administrators.
    public const string InvitationCreated = "invitation.created";
    public const string InvitationAccepted = "invitation.accepted";
    public const string InvitationRevoked = "invitation.revoked";
    public const string InvitationRefused = "invitation.refused";
    public const string InstanceAdminGranted = "instance.admin_granted";
    public const string InstanceAdminRevoked = "instance.admin_revoked";

    // Saved views of the Logs explorer (issue #10, logspage).
    public const string ViewCreated = "view.created";
    public const string ViewUpdated = "view.updated";
    public const string ViewDeleted = "view.deleted";

    /// <summary>Outcomes.</summary>
    public static class Outcomes
    {
        public const string Success = "success";
        public const string Failure = "failure";
        public const string Denied = "denied";

        public static readonly IReadOnlyList<string> All = [Success, Failure, Denied];
    }
}
