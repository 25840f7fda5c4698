using AegisGuard.Audit;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Identity.Instance;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;

namespace AegisGuard.Identity;

/// <summary>Login, sessions, MFA, users, keys, org settings and audit over HTTP (issue #3).</summary>
public static class IdentityApi
{
    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder routes)
    {
        routes.MapAuthApi();
        routes.MapUsersApi();
        routes.MapUserLockoutApi();
        routes.MapApiKeysApi();
        routes.MapOrgSettingsApi();
        routes.MapAuditApi();
        routes.MapTenancyApi();
        return routes;
    }
}
