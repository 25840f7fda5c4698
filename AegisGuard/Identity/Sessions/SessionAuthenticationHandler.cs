using System.Text.Encodings.Web;
using AegisGuard.Audit;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// The browser session scheme: reads the access JWT cookie and refuses tokens of a revoked session (logout,
/// refresh reuse, removal from the org) at once, and tokens whose role is no longer the member's. When the access token is missing or expired but a refresh cookie exists, a PAGE
/// request (view or form post) that needs a user refreshes transparently; /api requests get 401 and the client calls
/// POST /api/auth/refresh. Unauthenticated: /api → 401 problem, pages → /login?returnUrl=…; forbidden: /api →
/// 403 problem, pages → /forbidden.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokenIssuer tokens,
    SessionService sessions,
    MetadataStore store,
    IProblemDetailsService problems,
    RefusalAudit refusals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = AccessTokenIssuer.SchemeName;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        bool hasAccess = Request.Cookies.TryGetValue(SessionCookies.Access, out string? access) && !string.IsNullOrEmpty(access);
        if (hasAccess)
        {
            var grant = await tokens.ValidateAsync(access!);
            string? activeRole = grant is null ? null : store.ActiveSessionRole(grant.FamilyId);
            if (grant is null)
            {
                // Unverified claims are not trusted for the org: a forged token's refusal goes to the instance stream.
                refusals.Note(Context, AuditActions.TokenRejected, RejectedToken.Classify(access!, TimeProvider.GetUtcNow().UtcDateTime), orgId: null, actor: "anonymous");
            }
            else if (activeRole is null)
            {
                refusals.Note(Context, AuditActions.TokenRejected, RejectedToken.SessionEnded, grant.OrgId, grant.Email);
            }

            if (grant is not null && activeRole is { } role)
            {
                if (string.Equals(role, grant.Role, StringComparison.Ordinal))
                {
                    return Success(grant);
                }

                // The role changed since the token was issued: treat the token as expired, so the refresh below
                // (pages) or the client's POST /api/auth/refresh (APIs) issues one with the new role at once.
            }
        }

        if (!IsApi(Request) && IsPageMethod(Request.Method) && Request.Cookies.ContainsKey(SessionCookies.Refresh) && NeedsUser(Context))
        {
            if (sessions.Refresh(Context, out var refreshed) == RefreshOutcome.Refreshed)
            {
                return Success(refreshed!);
            }
        }

        return hasAccess ? AuthenticateResult.Fail("the session expired or was ended") : AuthenticateResult.NoResult();
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!IsApi(Request))
        {
            string returnUrl = Request.PathBase + Request.Path + Request.QueryString;
            Response.Redirect($"{SessionRestrictions.LoginPage}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return;
        }

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Detail = Request.Cookies.ContainsKey(SessionCookies.Access) || Request.Cookies.ContainsKey(SessionCookies.Refresh)
                ? "The session expired or was ended: call POST /api/auth/refresh, or sign in again with POST /api/auth/login."
                : "Sign in with POST /api/auth/login (session cookies), or send Authorization: Bearer <key id>.<secret> of an API key.",
        };
        problem.Extensions["error"] = "unauthenticated";
        await IdentityProblems.WriteAsync(Context, problems, problem);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (Context.User.FindFirst(AegisClaims.OrgId) is not null)
        {
            refusals.Note(Context, AuditActions.AccessDenied, "role_lacks_permission", Context.User.GetOrgId());
        }

        if (!IsApi(Request))
        {
            Response.Redirect(SessionRestrictions.ForbiddenPage);
            return;
        }

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Forbidden",
            Detail = "Your role in this organisation does not allow this.",
        };
        problem.Extensions["error"] = "forbidden";
        await IdentityProblems.WriteAsync(Context, problems, problem);
    }

    /// <summary>True for the JSON API (anything under /api), which answers problems instead of redirects.</summary>
    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private AuthenticateResult Success(SessionGrant grant) =>
        AuthenticateResult.Success(new AuthenticationTicket(AccessTokenIssuer.ToPrincipal(grant), SchemeName));

    /// <summary>
    /// Page views and page form posts: a form filled in for longer than the access token lives must not send its author
    /// to the sign-in page. Safe for posts too: SameSite=Strict keeps the refresh cookie off cross-site requests, and
    /// every form carries an antiforgery token bound to the user, who stays the same across a refresh.
    /// </summary>
    private static bool IsPageMethod(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method);

    private static bool NeedsUser(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        return endpoint is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null && endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null;
    }
}
