using AegisGuard.Audit;
using AegisGuard.Identity.Passwords;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Mfa;

/// <summary>
/// MFA enrolment: setup stores a pending secret and returns what the page shows (secret, otpauth URI, QR code);
/// enable proves the app has it with one code, turns MFA on and hands out one-time recovery codes; disable needs
/// the password and a current code (or a recovery code).
/// </summary>
public sealed class MfaService(MetadataStore store, SecretProtector protector, TotpAuthenticator totp, PasswordHasher hasher, AuditLog audit)
{
    /// <summary>Starts (or restarts) enrolment; null when MFA is already on.</summary>
    public MfaEnrolment? Setup(UserRow user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.MfaEnabled)
        {
            return null;
        }

        string secret = TotpAuthenticator.NewSecret();
        store.SetPendingMfaSecret(user.Id, protector.ProtectTotpSecret(secret));
        string uri = TotpAuthenticator.OtpAuthUri(secret, user.Email);
        return new MfaEnrolment(secret, uri, TotpAuthenticator.QrSvg(uri));
    }

    /// <summary>
    /// The enrolment already started (the pending secret), so the enrolment page can show the same QR code again after a
    /// reload or a wrong code instead of invalidating what the user just scanned; null when none is pending or MFA is on.
    /// </summary>
    public MfaEnrolment? Pending(UserRow user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.MfaEnabled || user.MfaPendingSecretProtected is null)
        {
            return null;
        }

        string secret = protector.UnprotectTotpSecret(user.MfaPendingSecretProtected);
        string uri = TotpAuthenticator.OtpAuthUri(secret, user.Email);
        return new MfaEnrolment(secret, uri, TotpAuthenticator.QrSvg(uri));
    }

    /// <summary>Turns MFA on when <paramref name="code"/> matches the pending secret; returns the recovery codes, or null.</summary>
    public IReadOnlyList<string>? Enable(HttpContext http, UserRow user, int orgId, string? code)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.MfaEnabled || user.MfaPendingSecretProtected is null)
        {
            return null;
        }

        string secret = protector.UnprotectTotpSecret(user.MfaPendingSecretProtected);
        if (totp.Match(secret, code) is null)
        {
            audit.Record(http, AuditActions.MfaEnabled, AuditActions.Outcomes.Failure, orgId, user.Email, new { reason = "invalid_code" });
            return null;
        }

        var codes = RecoveryCodes.Generate();
        store.EnableMfa(user.Id, user.MfaPendingSecretProtected, [.. codes.Select(RecoveryCodes.Hash)]);
        audit.Record(http, AuditActions.MfaEnabled, AuditActions.Outcomes.Success, orgId, user.Email, new { recovery_codes = codes.Count });
        return codes;
    }

    /// <summary>Turns MFA off when the password and a current code (or recovery code) are right.</summary>
    public bool Disable(HttpContext http, UserRow user, int orgId, string? password, string? code)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.MfaEnabled)
        {
            return false;
        }

        bool passwordOk = hasher.Verify(password ?? string.Empty, user.PasswordHash).Succeeded;
        bool codeOk = RecoveryCodes.LooksLikeRecoveryCode(code)
            ? passwordOk && store.UseRecoveryCode(user.Id, RecoveryCodes.Hash(code!))
            : totp.Match(protector.UnprotectTotpSecret(user.MfaSecretProtected!), code) is not null;
        if (!passwordOk || !codeOk)
        {
            audit.Record(http, AuditActions.MfaDisabled, AuditActions.Outcomes.Failure, orgId, user.Email, new { reason = passwordOk ? "invalid_code" : "invalid_password" });
            return false;
        }

        store.DisableMfa(user.Id);
        audit.Record(http, AuditActions.MfaDisabled, AuditActions.Outcomes.Success, orgId, user.Email);
        return true;
    }
}
