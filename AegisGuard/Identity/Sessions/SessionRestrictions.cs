namespace AegisGuard.Identity.Sessions;

/// <summary>
/// What a signed-in user must do before anything else. While a restriction holds, only endpoints and pages
/// marked <see cref="AllowDuringRestrictionAttribute"/> (and anonymous ones) work: APIs answer 403 problem with
/// <c>error</c> = the restriction, pages redirect to the page that lifts it.
/// </summary>
public static class SessionRestrictions
{
    /// <summary>The password was set by somebody else (first start, invited user) and must be replaced.</summary>
    public const string PasswordChange = "password_change";

    /// <summary>The org requires MFA and the user has not enrolled yet.</summary>
    public const string MfaEnrolment = "mfa_enrolment";

    /// <summary>The page where a user changes the password (built with the Razor pages).</summary>
    public const string PasswordPage = "/account/password";

    /// <summary>The page where a user enrols MFA (built with the Razor pages).</summary>
    public const string MfaPage = "/account/mfa";

    /// <summary>The page that signs a user in.</summary>
    public const string LoginPage = "/login";

    /// <summary>The page shown when a signed-in user lacks a permission.</summary>
    public const string ForbiddenPage = "/forbidden";

    public static string Explain(string restriction) => restriction switch
    {
        PasswordChange => "You must change your password first (POST /api/auth/password).",
        MfaEnrolment => "Your organisation requires MFA: enrol first (POST /api/auth/mfa/setup, then /api/auth/mfa/enable).",
        _ => "This session is restricted.",
    };

    public static string PageFor(string restriction) => restriction == MfaEnrolment ? MfaPage : PasswordPage;
}
