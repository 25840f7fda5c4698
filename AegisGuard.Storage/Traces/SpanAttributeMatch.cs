namespace AegisGuard.Storage.Traces;

/// <summary>A span attribute equal to a value (compared as text: 200 matches "200").</summary>
/// <param name="Key">Top-level attribute name.</param>
/// <param name="Value">The value.</param>
public sealed record SpanAttributeMatch(string Key, string Value);
