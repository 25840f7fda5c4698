namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>Message formats a pipeline can parse.</summary>
public enum LogParserKind
{
    Json,
    Logfmt,
}
