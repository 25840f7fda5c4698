namespace AegisGuard.Identity.ApiKeys;

/// <summary>What an API key may do.</summary>
public static class ApiKeyScopes
{
    /// <summary>Signed ingestion on /v1/*.</summary>
    public const string Ingest = "ingest";

    /// <summary>Read APIs with <c>Authorization: Bearer &lt;id&gt;.&lt;secret&gt;</c>.</summary>
    public const string Read = "read";

    public static readonly IReadOnlyList<string> All = [Ingest, Read];

    /// <summary>Parses "ingest,read"; null (with <paramref name="error"/>) when a scope is unknown or none is given.</summary>
    public static IReadOnlyList<string>? Parse(string? text, out string error)
    {
        var scopes = (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).Distinct().ToList();
        var unknown = scopes.Where(s => !All.Contains(s)).ToList();
        if (scopes.Count == 0 || unknown.Count > 0)
        {
            error = scopes.Count == 0
                ? "at least one scope is required (ingest, read)"
                : $"unknown scope {string.Join(", ", unknown.Select(u => $"'{u}'"))}; scopes are ingest and read";
            return null;
        }

        error = string.Empty;
        return scopes;
    }
}
