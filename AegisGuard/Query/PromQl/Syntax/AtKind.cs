namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>What an <c>@</c> modifier pins the evaluation to.</summary>
public enum AtKind
{
    Timestamp,
    Start,
    End,
}
