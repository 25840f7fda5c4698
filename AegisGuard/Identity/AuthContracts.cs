using System.Text.Json.Serialization;

namespace AegisGuard.Identity;

/// <summary>POST /api/auth/login.</summary>
public sealed record LoginRequest
{
    public string? Email { get; init; }

    public string? Password { get; init; }

    /// <summary>A 6-digit TOTP code or a recovery code, when MFA is on.</summary>
    public string? Totp { get; init; }

    /// <summary>The org to start in (slug); default: the first the user belongs to.</summary>
    public string? Org { get; init; }
}

/// <summary>POST /api/auth/password.</summary>
public sealed record PasswordChangeRequest
{
    [JsonPropertyName("current_password")]
    public string? CurrentPassword { get; init; }

    [JsonPropertyName("new_password")]
    public string? NewPassword { get; init; }
}

/// <summary>POST /api/auth/switch-org.</summary>
public sealed record SwitchOrgRequest
{
    /// <summary>The org's slug.</summary>
    public string? Org { get; init; }
}

/// <summary>POST /api/auth/mfa/enable.</summary>
public sealed record MfaEnableRequest
{
    public string? Code { get; init; }
}

/// <summary>POST /api/auth/mfa/disable.</summary>
public sealed record MfaDisableRequest
{
    public string? Password { get; init; }

    public string? Code { get; init; }
}

/// <summary>The session as the API describes it (login, refresh, switch-org, me).</summary>
public sealed record SessionInfo
{
    [JsonPropertyName("user_id")]
    public required long UserId { get; init; }

    [JsonPropertyName("email")]
    public required string Email { get; init; }

    /// <summary>The active org's slug.</summary>
    [JsonPropertyName("org")]
    public required string Org { get; init; }

    [JsonPropertyName("org_name")]
    public required string OrgName { get; init; }

    /// <summary>Every org the user belongs to.</summary>
    [JsonPropertyName("orgs")]
    public required IReadOnlyList<OrgMembershipInfo> Orgs { get; init; }

    [JsonPropertyName("role")]
    public required string Role { get; init; }

    /// <summary>What the role allows in the active org (plus instance.admin for an instance administrator).</summary>
    [JsonPropertyName("permissions")]
    public required IReadOnlyList<string> Permissions { get; init; }

    /// <summary>True for an instance administrator (creates orgs, invites into any org, sees appliance-wide figures).</summary>
    [JsonPropertyName("instance_admin")]
    public bool InstanceAdmin { get; init; }

    [JsonPropertyName("mfa_enabled")]
    public required bool MfaEnabled { get; init; }

    [JsonPropertyName("must_change_password")]
    public required bool MustChangePassword { get; init; }

    /// <summary>True when the org requires MFA and the user has not enrolled yet.</summary>
    [JsonPropertyName("mfa_enrolment_required")]
    public required bool MfaEnrolmentRequired { get; init; }

    /// <summary>The antiforgery token for X-CSRF-TOKEN (login, refresh and switch-org include it).</summary>
    [JsonPropertyName("csrf_token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CsrfToken { get; init; }
}

/// <summary>One membership in <see cref="SessionInfo.Orgs"/>.</summary>
public sealed record OrgMembershipInfo(
    [property: JsonPropertyName("slug")] string Slug,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role);

/// <summary>GET /api/auth/csrf.</summary>
public sealed record CsrfToken([property: JsonPropertyName("token")] string Token);

/// <summary>POST /api/auth/mfa/setup.</summary>
public sealed record MfaSetupResponse(
    [property: JsonPropertyName("secret")] string Secret,
    [property: JsonPropertyName("otpauth_uri")] string OtpAuthUri,
    [property: JsonPropertyName("qr_svg")] string QrSvg);

/// <summary>POST /api/auth/mfa/enable: shown once.</summary>
public sealed record MfaEnabledResponse([property: JsonPropertyName("recovery_codes")] IReadOnlyList<string> RecoveryCodes);
