namespace AegisGuard.Storage.Metrics;

/// <summary>The four matcher kinds of a PromQL selector.</summary>
public enum LabelMatchType
{
    /// <summary><c>=</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>=~</c> (fully anchored)</summary>
    Regex,

    /// <summary><c>!~</c> (fully anchored)</summary>
    NotRegex,
}
