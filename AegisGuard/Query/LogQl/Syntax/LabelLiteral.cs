namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>The right-hand side of a label filter.</summary>
/// <param name="Kind">String, number, duration or byte size.</param>
/// <param name="Text">The source text (for strings: the unquoted value).</param>
/// <param name="Number">Numbers as written, durations in seconds, byte sizes in bytes; 0 for strings.</param>
/// <param name="Column">Column of the literal.</param>
public sealed record LabelLiteral(LabelLiteralKind Kind, string Text, double Number, int Column);
