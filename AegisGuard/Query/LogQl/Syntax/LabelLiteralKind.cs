namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>What a label filter literal is.</summary>
public enum LabelLiteralKind
{
    Text,
    Number,
    Duration,
    Bytes,
}
