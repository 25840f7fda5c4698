namespace AegisGuard.Query.PromQl.Syntax;

/// <summary><c>@ &lt;unix seconds&gt;</c>, <c>@ start()</c> or <c>@ end()</c>; the timestamp is Unix ms.</summary>
public sealed record AtModifier(AtKind Kind, long TimestampMs);
