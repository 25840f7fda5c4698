namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>One token.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The source text.</param>
/// <param name="Column">1-based column of its first character.</param>
/// <param name="Value">Strings: the unquoted value; identifiers: the name.</param>
/// <param name="Number">Numbers as written, durations in seconds, byte sizes in bytes.</param>
/// <param name="IgnoreCase">Strings written <c>i"…"</c>.</param>
public readonly record struct LogQlToken(LogQlTokenKind Kind, string Text, int Column, string Value, double Number, bool IgnoreCase = false)
{
    /// <summary>How an error message shows the token.</summary>
    public string Describe()
    {
        string text = Text.Length > 40 ? Text[..40] + "…" : Text;
        return Kind switch
        {
            LogQlTokenKind.End => "end of query",
            LogQlTokenKind.QuotedString => text,
            _ => "\"" + text + "\"",
        };
    }
}
