using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>Fully anchored regexes as Prometheus compiles them (<c>^(?:re)$</c>), cached, with a match timeout.</summary>
public static class PromQlRegex
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static Regex Compile(string pattern, Func<string, Exception> onError)
    {
        ArgumentNullException.ThrowIfNull(onError);
        if (Cache.TryGetValue(pattern, out var cached))
        {
            return cached;
        }

        try
        {
            var regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (Cache.Count < 10_000)
            {
                Cache[pattern] = regex;
            }

            return regex;
        }
        catch (ArgumentException e)
        {
            throw onError($"invalid regular expression \"{pattern}\": {e.Message}");
        }
    }

    /// <summary>Whether a matcher accepts a value ("" for an absent label).</summary>
    public static bool Matches(LabelMatcher matcher, string value)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        return matcher.Type switch
        {
            LabelMatchType.Equal => value == matcher.Value,
            LabelMatchType.NotEqual => value != matcher.Value,
            LabelMatchType.Regex => Compile(matcher.Value, m => new ArgumentException(m)).IsMatch(value),
            _ => !Compile(matcher.Value, m => new ArgumentException(m)).IsMatch(value),
        };
    }
}
