using AegisGuard.Identity.ApiKeys;
using AegisGuard.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace AegisGuard.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Data Protection with the key ring in the data directory (resolved from the registered
    /// <see cref="DataDirectory"/>), shared by the server and the CLI.
    /// </summary>
    public static IServiceCollection AddAegisDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("AegisGuard");
        services.AddOptions<KeyManagementOptions>().Configure<DataDirectory, ILoggerFactory>((options, data, loggers) =>
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(data.KeysDir), loggers));
        services.AddSingleton<SecretProtector>();
        return services;
    }

    /// <summary>API keys and the authentication/authorisation that uses them.</summary>
    public static IServiceCollection AddAegisIdentity(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyService>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(AegisPolicies.Configure);
        return services;
    }
}
