using AegisGuard.Audit;
using AegisGuard.Identity.Network;
using AegisGuard.Identity.Sessions;
using AegisGuard.Orgs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Identity;

/// <summary>
/// The checks that need to know who is calling, run right after authentication for every request:
/// 1. the org's IP allowlist (403 outside it) for any authenticated principal — user session or API key; a page
///    request from outside is sent to the forbidden page, which says why;
/// 2. session restrictions (forced password change, required MFA enrolment): only endpoints marked
///    <see cref="AllowDuringRestrictionAttribute"/> work — APIs answer 403 with the reason, pages redirect;
/// 3. CSRF: a cookie-authenticated unsafe /api request needs a valid X-CSRF-TOKEN (403 without it). Requests
///    with an API key carry no cookies and are exempt, as are login and refresh (<see cref="SkipCsrfCheckAttribute"/>).
/// Authentication runs here once; the framework's authentication middleware later reuses the cached result.
/// </summary>
public sealed class SessionGuard(RequestDelegate next)
{
    private const string ForbiddenPage = "/forbidden";

    public async Task InvokeAsync(HttpContext http, OrgDirectory orgs, ClientIpResolver ips, IAntiforgery antiforgery, IProblemDetailsService problems, RefusalAudit refusals)
    {
        var result = await http.AuthenticateAsync();
        if (result.Succeeded)
        {
            http.User = result.Principal;
        }

        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            await next(http);
            return;
        }

        var org = orgs.Find(user.GetOrgId());
        if (org is not null && !org.Allowlist.IsEmpty && !org.Allowlist.Allows(ips.Resolve(http)))
        {
            if (!http.Request.Path.Equals(ForbiddenPage, StringComparison.OrdinalIgnoreCase))
            {
                refusals.Note(http, AuditActions.AccessDenied, "ip_not_allowed", user.GetOrgId());
            }

            if (SessionAuthenticationHandler.IsApi(http.Request))
            {
                await WriteProblemAsync(http, problems, StatusCodes.Status403Forbidden, "Forbidden",
                    $"Your address {ips.Resolve(http)} is not in this organisation's IP allowlist.", "ip_not_allowed");
            }
            else if (http.Request.Path.Equals(ForbiddenPage, StringComparison.OrdinalIgnoreCase))
            {
                await next(http); // the page that explains the refusal (it shows nothing of the org's data)
            }
            else
            {
                http.Response.Redirect($"{ForbiddenPage}?reason={ForbiddenReasons.IpAllowlist}");
            }

            return;
        }

        var endpoint = http.GetEndpoint();
        bool anonymousEndpoint = endpoint is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        string? restriction = user.FindFirst(AegisClaims.Restriction)?.Value;
        if (restriction is not null && !anonymousEndpoint && endpoint!.Metadata.GetMetadata<AllowDuringRestrictionAttribute>()?.Allows(restriction) != true)
        {
            if (SessionAuthenticationHandler.IsApi(http.Request))
            {
                await WriteProblemAsync(http, problems, StatusCodes.Status403Forbidden, "Forbidden", SessionRestrictions.Explain(restriction), restriction);
            }
            else
            {
                http.Response.Redirect(SessionRestrictions.PageFor(restriction));
            }

            return;
        }

        bool cookieSession = user.Identity.AuthenticationType == SessionAuthenticationHandler.SchemeName;
        if (cookieSession && SessionAuthenticationHandler.IsApi(http.Request) && !IsSafe(http.Request.Method) &&
            endpoint?.Metadata.GetMetadata<SkipCsrfCheckAttribute>() is null && !await antiforgery.IsRequestValidAsync(http))
        {
            refusals.Note(http, AuditActions.CsrfRejected, "csrf_invalid", user.GetOrgId());
            await WriteProblemAsync(http, problems, StatusCodes.Status403Forbidden, "Forbidden",
                $"Missing or invalid antiforgery token: send the token of GET /api/auth/csrf as the {SessionCookies.CsrfHeader} header.", "csrf_invalid");
            return;
        }

        await next(http);
    }

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);

    private static async Task WriteProblemAsync(HttpContext http, IProblemDetailsService problems, int status, string title, string detail, string error)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["error"] = error;
        await IdentityProblems.WriteAsync(http, problems, problem);
    }
}
