using System.Text.RegularExpressions;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// A selector's matchers ready to test series, with Prometheus' meaning: regexes fully anchored (<c>^(?:re)$</c>, as
/// Prometheus 2.x compiles them) and an absent label has the value "".
/// </summary>
internal sealed class CompiledSelector
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);
    private readonly (LabelMatcher Matcher, Regex? Regex)[] matchers;

    public CompiledSelector(IReadOnlyList<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        Matchers = matchers;
        this.matchers = matchers.Select(m => (m, m.Type is LabelMatchType.Regex or LabelMatchType.NotRegex ? Compile(m.Value) : null)).ToArray();
    }

    public IReadOnlyList<LabelMatcher> Matchers { get; }

    /// <summary>Equality matchers on a non-empty value: the ones an index can answer (the metric name first).</summary>
    public IReadOnlyList<LabelMatcher> IndexedEqualities =>
        Matchers.Where(m => m.Type == LabelMatchType.Equal && m.Value.Length > 0)
            .OrderBy(m => m.Name == MetricSeriesIdentity.NameLabel ? 0 : 1).ToList();

    /// <summary>True when every matcher accepts the series' labels.</summary>
    public bool Matches(IReadOnlyList<MetricLabel> labels)
    {
        foreach (var (matcher, regex) in matchers)
        {
            string value = string.Empty;
            foreach (var label in labels)
            {
                if (label.Name == matcher.Name)
                {
                    value = label.Value;
                    break;
                }
            }

            bool ok = matcher.Type switch
            {
                LabelMatchType.Equal => value == matcher.Value,
                LabelMatchType.NotEqual => value != matcher.Value,
                LabelMatchType.Regex => regex!.IsMatch(value),
                _ => !regex!.IsMatch(value),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the value "" (a label that is absent) passes every matcher: such a selector selects everything.</summary>
    public bool MatchesEmpty() => Matches([]);

    private static Regex Compile(string pattern)
    {
        // RE2's named groups (?P<name>…) are .NET's (?<name>…).
        string translated = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        try
        {
            return new Regex("^(?:" + translated + ")$", RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"invalid regular expression \"{pattern}\": {ex.Message}", nameof(pattern), ex);
        }
    }
}
