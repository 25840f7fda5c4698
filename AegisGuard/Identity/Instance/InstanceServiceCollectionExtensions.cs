using AegisGuard.Identity.Invitations;
using Microsoft.AspNetCore.Authentication;

namespace AegisGuard.Identity.Instance;

/// <summary>Instance administration and invitations: their services and endpoints.</summary>
public static class InstanceServiceCollectionExtensions
{
    public static IServiceCollection AddTenancy(this IServiceCollection services)
    {
        services.AddSingleton<IClaimsTransformation, InstanceAdminClaims>();
        services.AddSingleton<InvitationService>();
        services.AddSingleton<InvitationAcceptor>();
        services.AddSingleton<InstanceOrgs>();
        return services;
    }

    public static IEndpointRouteBuilder MapTenancyApi(this IEndpointRouteBuilder routes)
    {
        routes.MapInvitationsApi();
        routes.MapInstanceApi();
        return routes;
    }
}
