namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>Kinds of PromQL tokens.</summary>
public enum PromQlTokenKind
{
    Eof,
    Identifier,
    MetricIdentifier,
    Keyword,
    Number,
    Duration,
    QuotedString,
    LeftParen,
    RightParen,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Comma,
    Colon,
    At,
    Assign,
    Operator,
}
