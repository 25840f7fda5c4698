using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AegisGuard.Audit;
using AegisGuard.Identity.Network;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// Browser sessions: signing in sets the access JWT and a refresh token as cookies; refreshing rotates the refresh
/// token (a used token presented again revokes its whole family — thief and victim are both signed out — and is
/// audited, except for the token just exchanged within <see cref="SecurityOptions.RefreshReuseInterval"/>: two tabs
/// that refresh with the same cookie both get a session, as with Auth0's and Okta's reuse interval); signing out revokes the family. Razor PageModels call this directly, the JSON API through
/// <see cref="AuthApi"/>. Every (re)issue reads the user, membership and org afresh, so a changed role, a removed
/// member or a new MFA requirement applies at the next refresh at the latest.
/// </summary>
public sealed class SessionService(
    MetadataStore store,
    AccessTokenIssuer tokens,
    OrgDirectory orgs,
    AuditLog audit,
    ClientIpResolver ips,
    TimeProvider time,
    IOptions<SecurityOptions> options)
{
    private const int MaxUserAgent = 300;
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private long nextPurgeTicks;

    /// <summary>Starts a new session (a new refresh-token family) for the user in the membership's org.</summary>
    public SessionGrant SignIn(HttpContext http, UserRow user, MembershipRow membership)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(membership);
        PurgeExpiredTokens();
        string family = Guid.NewGuid().ToString("N");
        var grant = Grant(user, membership, family);
        IssueRefreshToken(http, grant, r =>
        {
            store.InsertRefreshToken(r);
            return true;
        });
        IssueAccessToken(http, grant);
        return grant;
    }

    /// <summary>Ends the current session (by its refresh cookie or the principal's session id) and clears the cookies.</summary>
    public void SignOut(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        string? family = http.User.FindFirstValue(AegisClaims.SessionId);
        if (family is null && http.Request.Cookies.TryGetValue(SessionCookies.Refresh, out string? refresh))
        {
            family = store.FindRefreshToken(HashToken(refresh))?.FamilyId;
        }

        if (family is not null)
        {
            store.RevokeRefreshFamily(family, time.GetUtcNow().UtcDateTime);
        }

        ClearCookies(http);
    }

    /// <summary>
    /// Replaces the current session with a new one for <paramref name="orgId"/> (after a password change, MFA
    /// enrolment or an org switch), so the new access token carries the new facts at once.
    /// </summary>
    public SessionGrant? Reissue(HttpContext http, long userId, int orgId)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = store.FindUser(userId);
        var membership = user is null ? null : store.FindMembership(userId, orgId);
        if (user is null || membership is null)
        {
            return null;
        }

        string? old = http.User.FindFirstValue(AegisClaims.SessionId);
        if (old is not null)
        {
            store.RevokeRefreshFamily(old, time.GetUtcNow().UtcDateTime);
        }

        var grant = SignIn(http, user, membership);
        http.User = AccessTokenIssuer.ToPrincipal(grant);
        return grant;
    }

    /// <summary>Exchanges the refresh cookie for new tokens; <paramref name="grant"/> is the new session on success.</summary>
    public RefreshOutcome Refresh(HttpContext http, out SessionGrant? grant)
    {
        ArgumentNullException.ThrowIfNull(http);
        grant = null;
        if (!http.Request.Cookies.TryGetValue(SessionCookies.Refresh, out string? presented) || string.IsNullOrEmpty(presented) || presented.Length > 200)
        {
            return RefreshOutcome.Invalid;
        }

        string hash = HashToken(presented);
        var row = store.FindRefreshToken(hash);
        var now = time.GetUtcNow().UtcDateTime;
        if (row is null)
        {
            return RefreshOutcome.Invalid;
        }

        // A used token is a replay unless it is the family's latest rotation and was exchanged within the reuse
        // interval (another tab, or a retried request, holding the same cookie).
        var interval = options.Value.RefreshReuseInterval;
        bool alreadyUsed = row.UsedAt is not null;
        if (alreadyUsed && (interval <= TimeSpan.Zero || row.RevokedAt is not null || row.UsedAt < now - interval))
        {
            return Reused(http, row, now);
        }

        if (row.RevokedAt is not null || row.ExpiresAt <= now)
        {
            return RefreshOutcome.Invalid;
        }

        var user = store.FindUser(row.UserId);
        var membership = user is null ? null : store.FindMembership(row.UserId, row.OrgId);
        if (user is null || membership is null)
        {
            store.RevokeRefreshFamily(row.FamilyId, now);
            return RefreshOutcome.Invalid;
        }

        var next = Grant(user, membership, row.FamilyId);
        bool issued = !alreadyUsed && IssueRefreshToken(http, next, r => store.RotateRefreshToken(hash, r with { ParentHash = hash }, now));
        if (!issued && interval > TimeSpan.Zero)
        {
            // Used before this request read it, or by a request running beside this one: the same reuse-interval rule.
            issued = IssueRefreshToken(http, next, r => store.ReissueWithinReuseInterval(hash, r with { ParentHash = hash }, now - interval));
        }

        if (!issued)
        {
            return Reused(http, row, now);
        }

        IssueAccessToken(http, next);
        grant = next;
        return RefreshOutcome.Refreshed;
    }

    /// <summary>Deletes the session cookies from the browser.</summary>
    public static void ClearCookies(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var expired = SessionCookies.Options(http, DateTimeOffset.UnixEpoch);
        http.Response.Cookies.Delete(SessionCookies.Access, expired);
        http.Response.Cookies.Delete(SessionCookies.Refresh, expired);
    }

    private RefreshOutcome Reused(HttpContext http, RefreshTokenRow row, DateTime now)
    {
        int revoked = store.RevokeRefreshFamily(row.FamilyId, now);
        var user = store.FindUser(row.UserId);
        audit.Record(http, AuditActions.RefreshReuse, AuditActions.Outcomes.Denied, row.OrgId, user?.Email,
            new { family = row.FamilyId, tokens_revoked = revoked }, actor: user?.Email ?? "anonymous");
        ClearCookies(http);
        return RefreshOutcome.Reused;
    }

    private SessionGrant Grant(UserRow user, MembershipRow membership, string family)
    {
        string? restriction = null;
        if (user.MustChangePassword)
        {
            restriction = SessionRestrictions.PasswordChange;
        }
        else if (!user.MfaEnabled && orgs.Find(membership.OrgId)?.RequireMfa == true)
        {
            restriction = SessionRestrictions.MfaEnrolment;
        }

        return new SessionGrant(user.Id, user.Email, membership.OrgId, membership.OrgSlug, membership.Role, family, restriction);
    }

    private void IssueAccessToken(HttpContext http, SessionGrant grant)
    {
        var (token, expires) = tokens.Issue(grant);
        http.Response.Cookies.Append(SessionCookies.Access, token, SessionCookies.Options(http, expires));
    }

    private bool IssueRefreshToken(HttpContext http, SessionGrant grant, Func<RefreshTokenRow, bool> save)
    {
        string token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow().UtcDateTime;
        string agent = http.Request.Headers.UserAgent.ToString();
        var row = new RefreshTokenRow
        {
            TokenHash = HashToken(token),
            FamilyId = grant.FamilyId,
            UserId = grant.UserId,
            OrgId = grant.OrgId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.RefreshTokenLifetime,
            Ip = ips.Resolve(http).ToString(),
            UserAgent = agent.Length == 0 ? null : agent[..Math.Min(agent.Length, MaxUserAgent)],
        };
        if (!save(row))
        {
            return false;
        }

        http.Response.Cookies.Append(SessionCookies.Refresh, token, SessionCookies.Options(http, new DateTimeOffset(row.ExpiresAt, TimeSpan.Zero)));
        return true;
    }

    /// <summary>Deletes refresh tokens a day past expiry, at most once an hour (sign-ins are rare enough to carry it).</summary>
    private void PurgeExpiredTokens()
    {
        var now = time.GetUtcNow();
        long next = Interlocked.Read(ref nextPurgeTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref nextPurgeTicks, (now + PurgeEvery).UtcTicks, next) != next)
        {
            return;
        }

        store.PurgeRefreshTokens(now.UtcDateTime - TimeSpan.FromDays(1));
    }

    private static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
