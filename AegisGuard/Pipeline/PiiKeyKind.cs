namespace AegisGuard.Pipeline;

/// <summary>What an attribute or label name says about its value (see <see cref="PiiKeys"/>).</summary>
internal enum PiiKeyKind
{
    /// <summary>Nothing: the value is scanned like any text.</summary>
    None,

    /// <summary>A password, token, cookie or key: the value is redacted whole.</summary>
    Secret,

    /// <summary>A social security number: a bare 9-digit value is one.</summary>
    Ssn,

    /// <summary>A phone number: a bare run of 7 to 15 digits is one (when the org scrubs phone numbers).</summary>
    Phone,
}
