namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>How two vectors are matched: <c>on</c>/<c>ignoring</c> labels, cardinality and the labels <c>group_x</c> copies from the "one" side.</summary>
public sealed record VectorMatching(MatchCardinality Card, bool On, IReadOnlyList<string> MatchingLabels, IReadOnlyList<string> Include);
