using System.Diagnostics.CodeAnalysis;

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

    public long SourceAddress { get; init; }

    public Func<string, string>? Scrub { get; init; }

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

    [return: NotNullIfNotNull(nameof(value))]
    public string? ScrubText(string? value) => value is null || Scrub is null ? value : Scrub(value);
}
