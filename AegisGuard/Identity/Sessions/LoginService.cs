using System.Net;
using AegisGuard.Audit;
using AegisGuard.Identity.Mfa;
using AegisGuard.Identity.Network;
using AegisGuard.Identity.Passwords;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Checks a sign-in: throttles (address delay, address+account block, account lock — all skipped for a known device,
/// see <see cref="LoginThrottle"/> and <see cref="KnownDevices"/>) → password (against a dummy hash for unknown e-mails, so
/// timing tells nothing) → membership → MFA (TOTP without replay, or a one-time recovery code) → the org's IP
/// allowlist (checked last, so it tells nothing to someone without the password). Upgrades the hash
/// when its parameters are outdated. Audits successes, failures and lockouts. Issuing the session is left to
/// <see cref="SessionService"/>, so the API and the login page share this check.
/// </summary>
public sealed class LoginService(
    MetadataStore store,
    PasswordHasher hasher,
    TotpAuthenticator totp,
    SecretProtector protector,
    LoginThrottle throttle,
    KnownDevices devices,
    ClientIpResolver ips,
    OrgDirectory orgs,
    AuditLog audit)
{
    public LoginResult Check(HttpContext http, string? email, string? password, string? code, string? orgSlug = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        email = (email ?? string.Empty).Trim();
        password ??= string.Empty;
        var ip = ips.Resolve(http);
        if (email.Length > 320)
        {
            email = email[..320];
        }

        // A browser that signed in to this account before passes its throttles: they exist to stop guessing from
        // elsewhere, and must not let that guessing lock the owner out.
        string? device = email.Length == 0 ? null : devices.DeviceFor(http, email);
        bool knownDevice = device is not null && throttle.DeviceTrusted(device);
        if (!knownDevice && throttle.AddressBlockedFor(ip) is { } wait)
        {
            audit.Record(http, AuditActions.LoginFailed, AuditActions.Outcomes.Denied, null, email, new { reason = "address_throttled" }, actor: email);
            return new LoginResult(LoginStatus.Throttled, RetryAfter: wait);
        }

        var user = email.Length == 0 ? null : store.FindUserByEmail(email);
        var memberships = user is null ? [] : store.ListMembershipsOfUser(user.Id);
        int? auditOrg = memberships.Count > 0 ? memberships[0].OrgId : null;
        if (!knownDevice && (throttle.PairBlockedFor(email, ip) ?? throttle.AccountLockedFor(email)) is { } locked)
        {
            audit.Record(http, AuditActions.LoginFailed, AuditActions.Outcomes.Denied, auditOrg, email, new { reason = "account_locked" }, actor: email);
            return new LoginResult(LoginStatus.AccountLocked, RetryAfter: locked);
        }

        if (user is null)
        {
            hasher.VerifyDummy(password);
            return Fail(http, email, ip, device, knownDevice, auditOrg, "invalid_credentials", LoginStatus.InvalidCredentials);
        }

        var verification = hasher.Verify(password, user.PasswordHash);
        if (!verification.Succeeded)
        {
            return Fail(http, email, ip, device, knownDevice, auditOrg, "invalid_credentials", LoginStatus.InvalidCredentials);
        }

        if (memberships.Count == 0)
        {
            return Fail(http, email, ip, device, knownDevice, auditOrg, "no_membership", LoginStatus.InvalidCredentials);
        }

        bool usedRecoveryCode = false;
        if (user.MfaEnabled)
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                return new LoginResult(LoginStatus.MfaRequired);
            }

            if (RecoveryCodes.LooksLikeRecoveryCode(code))
            {
                usedRecoveryCode = store.UseRecoveryCode(user.Id, RecoveryCodes.Hash(code));
                if (!usedRecoveryCode)
                {
                    return Fail(http, email, ip, device, knownDevice, auditOrg, "mfa_invalid", LoginStatus.MfaInvalid);
                }
            }
            else
            {
                long? step = totp.Match(protector.UnprotectTotpSecret(user.MfaSecretProtected!), code);
                if (step is null || !store.AdvanceMfaStep(user.Id, step.Value))
                {
                    return Fail(http, email, ip, device, knownDevice, auditOrg, "mfa_invalid", LoginStatus.MfaInvalid);
                }
            }
        }

        var membership = memberships.FirstOrDefault(m => string.Equals(m.OrgSlug, orgSlug, StringComparison.OrdinalIgnoreCase)) ?? memberships[0];
        if (orgs.Find(membership.OrgId)?.Allowlist is { } allowlist && !allowlist.Allows(ip))
        {
            audit.Record(http, AuditActions.LoginFailed, AuditActions.Outcomes.Denied, membership.OrgId, user.Email, new { reason = "ip_not_allowed" }, actor: user.Email);
            return new LoginResult(LoginStatus.AddressNotAllowed, user, membership);
        }

        if (verification.NeedsRehash)
        {
            store.SetPasswordHash(user.Id, hasher.Hash(password), user.MustChangePassword, changedByUser: false);
        }

        throttle.RecordSuccess(email, ip);
        devices.Remember(http, user.Email);
        if (usedRecoveryCode)
        {
            audit.Record(http, AuditActions.RecoveryCodeUsed, AuditActions.Outcomes.Success, membership.OrgId, user.Email,
                new { remaining = store.CountRecoveryCodes(user.Id) }, actor: user.Email);
        }

        audit.Record(http, AuditActions.Login, AuditActions.Outcomes.Success, membership.OrgId, user.Email,
            new { mfa = user.MfaEnabled, rehashed = verification.NeedsRehash }, actor: user.Email);
        return new LoginResult(LoginStatus.Success, user, membership);
    }

    private LoginResult Fail(HttpContext http, string email, IPAddress ip, string? device, bool knownDevice, int? orgId, string reason, LoginStatus status)
    {
        var outcome = throttle.RecordFailure(email, ip, device);
        audit.Record(http, AuditActions.LoginFailed, AuditActions.Outcomes.Failure, orgId, email, new { reason, known_device = knownDevice }, actor: email);
        if (outcome.PairBlockedNow)
        {
            audit.Record(http, AuditActions.Locked, AuditActions.Outcomes.Denied, orgId, email,
                new { reason = "too_many_failures", scope = "address", address = ip.ToString() }, actor: email);
        }

        if (outcome.AccountLockedNow)
        {
            audit.Record(http, AuditActions.Locked, AuditActions.Outcomes.Denied, orgId, email,
                new { reason = "too_many_failures", scope = "account", failures = outcome.AccountFailures }, actor: email);
        }

        if (!knownDevice && (outcome.PairBlockedNow || outcome.AccountLockedNow))
        {
            return new LoginResult(LoginStatus.AccountLocked, RetryAfter: throttle.PairBlockedFor(email, ip) ?? throttle.AccountLockedFor(email));
        }

        return new LoginResult(status);
    }
}
