namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>Selector operators.</summary>
public enum LabelMatchOperator
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}
