namespace AegisGuard.Pipeline;

/// <summary>What <see cref="PiiScrubber"/> puts in place of personal data it finds.</summary>
public enum PiiMode
{
    /// <summary>A fixed marker per kind: nothing about the value survives.</summary>
    Redact,

    /// <summary>
    /// A keyed hash per value, so people can still group and count lines by "the same user" or
    /// "the same card" without the value itself ever being stored.
    /// </summary>
    Hash,
}
