namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>One lexed token: its kind, its text as written, its 0-based offset in the query and its decoded value.</summary>
public readonly record struct PromQlToken(PromQlTokenKind Kind, string Text, int Position, string Value = "", double Number = 0)
{
    /// <summary>The token as Prometheus' parser names it in errors.</summary>
    public string Describe() => Kind switch
    {
        PromQlTokenKind.Eof => "end of input",
        PromQlTokenKind.Identifier or PromQlTokenKind.MetricIdentifier => $"identifier \"{Text}\"",
        PromQlTokenKind.Keyword => $"<{Text.ToLowerInvariant()}>",
        PromQlTokenKind.Operator => $"<op:{Text}>",
        PromQlTokenKind.Number => $"number \"{Text}\"",
        PromQlTokenKind.Duration => $"duration \"{Text}\"",
        PromQlTokenKind.QuotedString => $"string {Text}",
        _ => $"\"{Text}\"",
    };
}
