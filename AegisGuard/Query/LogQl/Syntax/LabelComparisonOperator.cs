namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>Label filter operators.</summary>
public enum LabelComparisonOperator
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}
