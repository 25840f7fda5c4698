using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Pages.Account;

/// <summary>
/// Where to go after signing in or finishing a required step: the requested address when it is a local path of this
/// appliance (never another site: no open redirect), and never back to the sign-in or sign-out pages.
/// </summary>
public static class ReturnUrl
{
    public static string Safe(IUrlHelper url, string? requested, string fallback = "/")
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(requested) || !url.IsLocalUrl(requested) || requested.StartsWith("/\\", StringComparison.Ordinal))
        {
            return fallback;
        }

        var path = new PathString(requested.Split('?', '#')[0]);
        return path.StartsWithSegments("/login", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/logout", StringComparison.OrdinalIgnoreCase)
            ? fallback
            : requested;
    }
}
