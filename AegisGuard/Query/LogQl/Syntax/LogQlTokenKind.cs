namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>Token kinds of LogQL-lite.</summary>
public enum LogQlTokenKind
{
    End,
    Identifier,
    QuotedString,
    Number,
    Duration,
    Bytes,
    OpenBrace,
    CloseBrace,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Comma,
    Equal,
    DoubleEqual,
    NotEqual,
    RegexMatch,
    RegexNotMatch,
    PipeEqual,
    PipeRegex,
    Pipe,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}
