namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Endpoint metadata: an unsafe /api request that needs no <c>X-CSRF-TOKEN</c> even with session cookies —
/// only sign-in and token refresh, which a cross-site page cannot abuse (SameSite=Strict cookies are not sent
/// cross-site, and neither answer is readable cross-origin).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class SkipCsrfCheckAttribute : Attribute;
