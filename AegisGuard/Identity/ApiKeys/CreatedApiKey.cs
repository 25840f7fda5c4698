namespace AegisGuard.Identity.ApiKeys;

/// <summary>A key as created or rotated: the only time its secret is shown.</summary>
public sealed record CreatedApiKey(string Id, string Secret, string Name, IReadOnlyList<string> Scopes, DateTime CreatedAt);
