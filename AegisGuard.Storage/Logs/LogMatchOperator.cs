namespace AegisGuard.Storage.Logs;

/// <summary>String match operators: <c>= != =~ !~</c>.</summary>
public enum LogMatchOperator
{
    /// <summary><c>=</c>: equal.</summary>
    Equal,

    /// <summary><c>!=</c>: not equal.</summary>
    NotEqual,

    /// <summary><c>=~</c>: the whole value matches the RE2 pattern.</summary>
    Regex,

    /// <summary><c>!~</c>: the whole value does not match the RE2 pattern.</summary>
    NotRegex,
}
