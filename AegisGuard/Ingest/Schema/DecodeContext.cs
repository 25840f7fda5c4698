using System.Diagnostics.CodeAnalysis;
using AegisGuard.Pipeline;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// What a decoder needs besides the JSON: the accepted time window, where the batch sits in the ingest log, an
/// optional scrubber (the pipeline passes the org's PII scrubber; the ingest API validates without one) and
/// the errors found so far.
/// </summary>
public sealed class DecodeContext
{
    private const int MaxErrors = 50;
    private readonly List<ItemError> errors = [];

    public required DateTime ReceivedAt { get; init; }

    public required DateTime OldestAllowed { get; init; }

    public required DateTime NewestAllowed { get; init; }

    /// <summary>
    /// The org's retention when it, not the appliance's age limit, sets <see cref="OldestAllowed"/>: the reason
    /// then says so, because such events would be accepted and deleted by the next retention run.
    /// </summary>
    public int? RetentionDays { get; init; }

    public long SourceAddress { get; init; }

    /// <summary>The org's PII scrubber; null validates without scrubbing (nothing decoded then is stored).</summary>
    public PiiScrubber? Scrubber { get; init; }

    public IReadOnlyList<ItemError> Errors => errors;

    /// <summary>Errors beyond the first <see cref="MaxErrors"/> are counted, not listed.</summary>
    public int ErrorCount { get; private set; }

    public bool HasErrors => ErrorCount > 0;

    public void Fail(int index, string field, string reason)
    {
        ErrorCount++;
        if (errors.Count < MaxErrors)
        {
            errors.Add(new ItemError(index, field, reason));
        }
    }

    /// <summary>Free text (messages, names, URLs, user agents): see <see cref="PiiScrubber.Scrub"/>.</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public string? ScrubText(string? value) => value is null || Scrubber is null ? value : Scrubber.Scrub(value);

    /// <summary>Metric and label names: scrubbed, and still valid names (<see cref="PiiScrubber.ScrubName"/>).</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public string? ScrubName(string? value) => value is null || Scrubber is null ? value : Scrubber.ScrubName(value);

    /// <summary>A value stored under a name, such as a label value (<see cref="PiiScrubber.ScrubValue"/>).</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public string? ScrubValue(string name, string? value) => value is null || Scrubber is null ? value : Scrubber.ScrubValue(name, value);

    /// <summary>Trace, span and session ids (<see cref="PiiScrubber.ScrubIdentifier"/>).</summary>
    [return: NotNullIfNotNull(nameof(value))]
    public string? ScrubIdentifier(string? value) => value is null || Scrubber is null ? value : Scrubber.ScrubIdentifier(value);
}
