using System.Security.Claims;
using AegisGuard.Audit;
using AegisGuard.Identity.Mfa;
using AegisGuard.Identity.Sessions;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Identity;

/// <summary>
/// Sign-in and the session over JSON: login, refresh, logout, CSRF token, who-am-I, password change, org switch
/// and MFA enrolment. Sessions are cookies (<see cref="SessionCookies"/>); unsafe calls with them need
/// <c>X-CSRF-TOKEN</c> (login and refresh excepted).
/// </summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/auth").WithTags("Authentication").DisableAntiforgery();

        auth.MapPost("/login", Login)
            .WithSummary("Sign in; sets the session cookies")
            .WithDescription("Body {email, password, totp?, org?}. 200 with the session (and csrf_token); 401 problem with error invalid_credentials " +
                             "(same answer for unknown e-mail and wrong password), mfa_required or mfa_invalid; 429 with Retry-After when this address " +
                             "failed too often for this account or the account is locked (error account_locked), or the address failed too often " +
                             "overall (too_many_attempts, a short growing delay). A browser that signed in to the account before (aegis_device " +
                             "cookie) is not held back by either. With must_change_password only " +
                             "POST /api/auth/password, /me and /logout work until the password is changed.")
            .AllowAnonymous()
            .WithMetadata(new SkipCsrfCheckAttribute())
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/refresh", Refresh)
            .WithSummary("Rotate the refresh token and issue a new access token")
            .WithDescription("Uses the aegis_refresh cookie. Presenting an already-used refresh token revokes its whole family (every session " +
                             "descending from that sign-in ends) and is audited as auth.refresh_reuse — except the token exchanged last, within " +
                             "Aegis:Security:RefreshReuseInterval (30 s) of its exchange: two tabs refreshing at once both get a session.")
            .AllowAnonymous()
            .WithMetadata(new SkipCsrfCheckAttribute())
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/logout", Logout)
            .WithSummary("End the session and clear its cookies")
            .AllowAnonymous()
            .WithMetadata(new AllowDuringRestrictionAttribute())
            .Produces(StatusCodes.Status204NoContent);

        auth.MapGet("/csrf", Csrf)
            .WithSummary("The antiforgery token to send as X-CSRF-TOKEN")
            .WithDescription("Also sets the antiforgery cookie. The token is bound to the signed-in user: fetch it after signing in (login returns one too).")
            .AllowAnonymous()
            .Produces<CsrfToken>();

        auth.MapGet("/me", Me)
            .WithSummary("The signed-in user, the active org, all orgs, role and permissions")
            .RequireAuthorization()
            .WithMetadata(new AllowDuringRestrictionAttribute())
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/password", ChangePassword)
            .WithSummary("Change the own password")
            .WithDescription("Body {current_password, new_password}. The new password needs ≥ 12 characters, three character classes, must not contain " +
                             "the e-mail or be a well-known password (422 naming new_password otherwise). Ends the user's other sessions.")
            .RequireAuthorization(Permissions.OwnSettings)
            .WithMetadata(new AllowDuringRestrictionAttribute(SessionRestrictions.PasswordChange))
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        auth.MapPost("/switch-org", SwitchOrg)
            .WithSummary("Make another org of the user's the active one (re-issues the tokens)")
            .RequireAuthorization()
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var mfa = auth.MapGroup("/mfa").WithTags("MFA");
        mfa.MapPost("/setup", MfaSetup)
            .WithSummary("Start TOTP enrolment: secret, otpauth URI and an SVG QR code")
            .RequireAuthorization(Permissions.OwnSettings)
            .WithMetadata(new AllowDuringRestrictionAttribute(SessionRestrictions.MfaEnrolment))
            .Produces<MfaSetupResponse>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        mfa.MapPost("/enable", MfaEnable)
            .WithSummary("Finish enrolment with one code; returns 10 one-time recovery codes (shown once)")
            .RequireAuthorization(Permissions.OwnSettings)
            .WithMetadata(new AllowDuringRestrictionAttribute(SessionRestrictions.MfaEnrolment))
            .Produces<MfaEnabledResponse>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        mfa.MapPost("/disable", MfaDisable)
            .WithSummary("Turn MFA off with the password and a current code (or a recovery code)")
            .RequireAuthorization(Permissions.OwnSettings)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        routes.MapOwnSessionsApi();
        return routes;
    }

    private static IResult Login(HttpContext http, LoginRequest? body, LoginService login, SessionService sessions, MetadataStore store, OrgDirectory orgs, IAntiforgery antiforgery)
    {
        if (body is null || string.IsNullOrWhiteSpace(body.Email) || string.IsNullOrEmpty(body.Password))
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body?.Email))
            {
                errors["email"] = ["is required"];
            }

            if (string.IsNullOrEmpty(body?.Password))
            {
                errors["password"] = ["is required"];
            }

            return IdentityProblems.Invalid(errors);
        }

        var result = login.Check(http, body.Email, body.Password, body.Totp, body.Org);
        switch (result.Status)
        {
            case LoginStatus.Success:
                var grant = sessions.SignIn(http, result.User!, result.Membership!);
                http.User = AccessTokenIssuer.ToPrincipal(grant);
                return TypedResults.Ok(Describe(grant, store, orgs, antiforgery.GetAndStoreTokens(http).RequestToken));
            case LoginStatus.MfaRequired:
                return IdentityProblems.Unauthorized("This account has MFA on: send the 6-digit code from your authenticator app (or a recovery code) as totp.", "mfa_required");
            case LoginStatus.MfaInvalid:
                return IdentityProblems.Unauthorized("The MFA code is wrong, expired or already used.", "mfa_invalid");
            case LoginStatus.AccountLocked:
                return IdentityProblems.TooManyRequests(http, result.RetryAfter ?? TimeSpan.FromMinutes(1),
                    "Too many failed sign-ins for this account from here. Try again later, or from a browser you signed in with before.", "account_locked");
            case LoginStatus.AddressNotAllowed:
                return IdentityProblems.Forbidden("Your address is not in this organisation's IP allowlist.", "ip_not_allowed");
            case LoginStatus.Throttled:
                return IdentityProblems.TooManyRequests(http, result.RetryAfter ?? TimeSpan.FromMinutes(1),
                    "Too many failed sign-ins from your address: wait the seconds in Retry-After before the next attempt.", "too_many_attempts");
            default:
                return IdentityProblems.InvalidCredentials();
        }
    }

    private static IResult Refresh(HttpContext http, SessionService sessions, MetadataStore store, OrgDirectory orgs, IAntiforgery antiforgery)
    {
        switch (sessions.Refresh(http, out var grant))
        {
            case RefreshOutcome.Refreshed:
                http.User = AccessTokenIssuer.ToPrincipal(grant!);
                return TypedResults.Ok(Describe(grant!, store, orgs, antiforgery.GetAndStoreTokens(http).RequestToken));
            case RefreshOutcome.Reused:
                return IdentityProblems.Unauthorized(
                    "This refresh token was already used. Every session of this sign-in has been ended; sign in again.", "refresh_token_reused");
            default:
                SessionService.ClearCookies(http);
                return IdentityProblems.Unauthorized("The refresh token is missing, expired or revoked; sign in again.", "invalid_refresh_token");
        }
    }

    private static NoContent Logout(HttpContext http, SessionService sessions, AuditLog audit)
    {
        var user = http.User;
        sessions.SignOut(http);
        if (user.GetUserId() is not null)
        {
            audit.Record(http, AuditActions.Logout, AuditActions.Outcomes.Success, user.GetOrgId(), user.GetActor());
        }

        return TypedResults.NoContent();
    }

    private static Ok<CsrfToken> Csrf(HttpContext http, IAntiforgery antiforgery) =>
        TypedResults.Ok(new CsrfToken(antiforgery.GetAndStoreTokens(http).RequestToken!));

    private static IResult Me(ClaimsPrincipal user, MetadataStore store, OrgDirectory orgs)
    {
        if (SessionOf(user) is not { } grant)
        {
            return IdentityProblems.Forbidden("This endpoint describes a signed-in user; API keys have no profile.", "user_session_required");
        }

        return TypedResults.Ok(Describe(grant, store, orgs, null));
    }

    private static IResult ChangePassword(HttpContext http, PasswordChangeRequest? body, MetadataStore store, UserService users,
        SessionService sessions, OrgDirectory orgs, IAntiforgery antiforgery)
    {
        if (SessionOf(http.User) is not { } grant || store.FindUser(grant.UserId) is not { } user)
        {
            return IdentityProblems.Forbidden("Only a signed-in user can change a password.", "user_session_required");
        }

        if (users.CheckOwnPasswordChange(user, body?.CurrentPassword, body?.NewPassword) is { } refusal)
        {
            return IdentityProblems.Invalid(refusal.Field, refusal.Reason);
        }

        users.SetOwnPassword(http, user, grant.OrgId, body!.NewPassword!, keepFamilyId: null);
        var next = sessions.Reissue(http, user.Id, grant.OrgId);
        return next is null
            ? IdentityProblems.Forbidden("You are no longer a member of this organisation.", "not_a_member")
            : TypedResults.Ok(Describe(next, store, orgs, antiforgery.GetAndStoreTokens(http).RequestToken));
    }

    private static IResult SwitchOrg(HttpContext http, SwitchOrgRequest? body, MetadataStore store, SessionService sessions, OrgDirectory orgs,
        AuditLog audit, IAntiforgery antiforgery)
    {
        if (SessionOf(http.User) is not { } grant)
        {
            return IdentityProblems.Forbidden("Only a signed-in user can switch organisations.", "user_session_required");
        }

        var target = string.IsNullOrWhiteSpace(body?.Org) ? null : store.FindOrgBySlug(body.Org.Trim());
        if (target is null || store.FindMembership(grant.UserId, target.Id) is null)
        {
            return IdentityProblems.NotFound($"You are not a member of an organisation '{body?.Org}'.");
        }

        var next = sessions.Reissue(http, grant.UserId, target.Id)!;
        audit.Record(http, AuditActions.OrgSwitched, AuditActions.Outcomes.Success, target.Id, grant.Email, new { from = grant.OrgSlug, to = target.Slug });
        return TypedResults.Ok(Describe(next, store, orgs, antiforgery.GetAndStoreTokens(http).RequestToken));
    }

    private static IResult MfaSetup(ClaimsPrincipal principal, MetadataStore store, MfaService mfa)
    {
        if (SessionOf(principal) is not { } grant || store.FindUser(grant.UserId) is not { } user)
        {
            return IdentityProblems.Forbidden("Only a signed-in user can enrol MFA.", "user_session_required");
        }

        var enrolment = mfa.Setup(user);
        return enrolment is null
            ? IdentityProblems.Conflict("MFA is already on. Turn it off first (POST /api/auth/mfa/disable) to enrol a new device.", "mfa_already_enabled")
            : TypedResults.Ok(new MfaSetupResponse(enrolment.Secret, enrolment.OtpAuthUri, enrolment.QrSvg));
    }

    private static IResult MfaEnable(HttpContext http, MfaEnableRequest? body, MetadataStore store, MfaService mfa, SessionService sessions)
    {
        if (SessionOf(http.User) is not { } grant || store.FindUser(grant.UserId) is not { } user)
        {
            return IdentityProblems.Forbidden("Only a signed-in user can enrol MFA.", "user_session_required");
        }

        if (user.MfaEnabled)
        {
            return IdentityProblems.Conflict("MFA is already on.", "mfa_already_enabled");
        }

        if (user.MfaPendingSecretProtected is null)
        {
            return IdentityProblems.Conflict("Start with POST /api/auth/mfa/setup.", "mfa_setup_required");
        }

        var codes = mfa.Enable(http, user, grant.OrgId, body?.Code);
        if (codes is null)
        {
            return IdentityProblems.Invalid("code", "does not match the secret; use the current 6-digit code of your authenticator app");
        }

        if (grant.Restriction == SessionRestrictions.MfaEnrolment)
        {
            sessions.Reissue(http, user.Id, grant.OrgId); // the enrolment requirement is met: lift it now, not at the next refresh
        }

        return TypedResults.Ok(new MfaEnabledResponse(codes));
    }

    private static IResult MfaDisable(HttpContext http, MfaDisableRequest? body, MetadataStore store, MfaService mfa, SessionService sessions)
    {
        if (SessionOf(http.User) is not { } grant || store.FindUser(grant.UserId) is not { } user)
        {
            return IdentityProblems.Forbidden("Only a signed-in user can change MFA.", "user_session_required");
        }

        if (!user.MfaEnabled)
        {
            return IdentityProblems.Conflict("MFA is not on.", "mfa_not_enabled");
        }

        if (!mfa.Disable(http, user, grant.OrgId, body?.Password, body?.Code))
        {
            return IdentityProblems.Invalid(new Dictionary<string, string[]>
            {
                ["password"] = ["must be your current password"],
                ["code"] = ["must be a current code of your authenticator app or an unused recovery code"],
            }, "The password or the code is wrong.");
        }

        sessions.Reissue(http, user.Id, grant.OrgId); // an org that requires MFA restricts the session again
        return TypedResults.NoContent();
    }

    /// <summary>The session grant of a signed-in user (not an API key), or null.</summary>
    internal static SessionGrant? SessionOf(ClaimsPrincipal principal)
    {
        if (principal.Identity?.AuthenticationType != AccessTokenIssuer.SchemeName || principal.GetUserId() is not long userId)
        {
            return null;
        }

        return new SessionGrant(
            userId,
            principal.FindFirstValue(ClaimTypes.Email) ?? string.Empty,
            principal.GetOrgId(),
            principal.FindFirstValue(AegisClaims.OrgSlug) ?? string.Empty,
            principal.FindFirstValue(AegisClaims.Role) ?? string.Empty,
            principal.FindFirstValue(AegisClaims.SessionId) ?? string.Empty,
            principal.FindFirstValue(AegisClaims.Restriction));
    }

    private static SessionInfo Describe(SessionGrant grant, MetadataStore store, OrgDirectory orgs, string? csrf)
    {
        var user = store.FindUser(grant.UserId);
        var memberships = store.ListMembershipsOfUser(grant.UserId);
        var active = memberships.FirstOrDefault(m => m.OrgId == grant.OrgId);
        string role = active?.Role ?? grant.Role;
        bool instanceAdmin = store.IsInstanceAdmin(grant.UserId);
        return new SessionInfo
        {
            UserId = grant.UserId,
            Email = grant.Email,
            Org = grant.OrgSlug,
            OrgName = active?.OrgName ?? orgs.Find(grant.OrgId)?.Org.Name ?? grant.OrgSlug,
            Orgs = [.. memberships.Select(m => new OrgMembershipInfo(m.OrgSlug, m.OrgName, m.Role))],
            Role = role,
            Permissions = [.. Permissions.All.Where(p => (Permissions.ByRole.TryGetValue(role, out var granted) && granted.Contains(p)) || (instanceAdmin && p == Permissions.InstanceAdmin))],
            InstanceAdmin = instanceAdmin,
            MfaEnabled = user?.MfaEnabled ?? false,
            MustChangePassword = user?.MustChangePassword ?? false,
            MfaEnrolmentRequired = grant.Restriction == SessionRestrictions.MfaEnrolment,
            CsrfToken = csrf,
        };
    }
}
