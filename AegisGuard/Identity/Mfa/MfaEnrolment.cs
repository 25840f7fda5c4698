namespace AegisGuard.Identity.Mfa;

/// <summary>What the MFA setup page shows: the Base32 secret, the otpauth URI and the URI as an SVG QR code.</summary>
public sealed record MfaEnrolment(string Secret, string OtpAuthUri, string QrSvg);
