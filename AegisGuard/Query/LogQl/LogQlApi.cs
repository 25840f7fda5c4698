namespace AegisGuard.Query.LogQl;

/// <summary>LogQL-lite over HTTP (issue #4): registration and endpoints.</summary>
public static class LogQlApi
{
    public static IServiceCollection AddLogQl(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapLogQlApi(this IEndpointRouteBuilder routes) => routes;
}
