using AegisGuard.Audit;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.ApiKeys;

/// <summary>
/// Key administration by a signed-in person, for the API and the keys page alike: every create, revoke and rotate
/// happens in the caller's org (from the principal) and is audited. The secret appears only in the returned
/// <see cref="CreatedApiKey"/>.
/// </summary>
public sealed class ApiKeyManagement(ApiKeyService keys, AuditLog audit, IOptions<SecurityOptions> options, TimeProvider time)
{
    public CreatedApiKey Create(HttpContext http, string name, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(http);
        int orgId = http.User.GetOrgId();
        var created = keys.Create(orgId, name, scopes, http.User.GetActor());
        audit.Record(http, AuditActions.KeyCreated, AuditActions.Outcomes.Success, orgId, created.Id, new { name, scopes });
        return created;
    }

    /// <summary>False when the caller's org has no such active key.</summary>
    public bool Revoke(HttpContext http, string keyId)
    {
        ArgumentNullException.ThrowIfNull(http);
        int orgId = http.User.GetOrgId();
        if (!keys.Revoke(orgId, keyId))
        {
            return false;
        }

        audit.Record(http, AuditActions.KeyRevoked, AuditActions.Outcomes.Success, orgId, keyId);
        return true;
    }

    /// <summary>The key with its new secret and when the old one stops working, or null when there is no such active key.</summary>
    public (CreatedApiKey Key, DateTime PreviousValidUntil)? Rotate(HttpContext http, string keyId)
    {
        ArgumentNullException.ThrowIfNull(http);
        int orgId = http.User.GetOrgId();
        var grace = options.Value.KeyRotationGrace;
        var rotated = keys.Rotate(orgId, keyId, grace);
        if (rotated is null)
        {
            return null;
        }

        var until = time.GetUtcNow().UtcDateTime + grace;
        audit.Record(http, AuditActions.KeyRotated, AuditActions.Outcomes.Success, orgId, keyId, new { previous_secret_valid_until = until });
        return (rotated, until);
    }
}
