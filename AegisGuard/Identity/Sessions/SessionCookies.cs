namespace AegisGuard.Identity.Sessions;

/// <summary>The browser session's cookies: both httpOnly, SameSite=Strict, Secure when the request is HTTPS.</summary>
public static class SessionCookies
{
    /// <summary>The access JWT (5 minutes).</summary>
    public const string Access = "aegis_access";

    /// <summary>The opaque refresh token (7 days, rotated on every use).</summary>
    public const string Refresh = "aegis_refresh";

    /// <summary>The antiforgery cookie that pairs with the <c>X-CSRF-TOKEN</c> header.</summary>
    public const string Antiforgery = "aegis_csrf";

    /// <summary>The header that carries the antiforgery token on unsafe requests.</summary>
    public const string CsrfHeader = "X-CSRF-TOKEN";

    public static CookieOptions Options(HttpContext http, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
