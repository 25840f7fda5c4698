namespace AegisGuard.Storage.Logs;

/// <summary>Line filter operators: <c>|= != |~ !~</c>.</summary>
public enum LogLineOperator
{
    /// <summary><c>|=</c>: the message contains the text.</summary>
    Contains,

    /// <summary><c>!=</c>: the message does not contain the text.</summary>
    NotContains,

    /// <summary><c>|~</c>: the RE2 pattern is found in the message.</summary>
    Regex,

    /// <summary><c>!~</c>: the RE2 pattern is not found in the message.</summary>
    NotRegex,
}
