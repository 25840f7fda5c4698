namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>Line filter operators.</summary>
public enum LineFilterOperator
{
    Contains,
    NotContains,
    Regex,
    NotRegex,
}
