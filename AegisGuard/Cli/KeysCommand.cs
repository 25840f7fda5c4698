using System.Text.Json;
using AegisGuard.Audit;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Cli;

/// <summary>
/// <c>AegisGuard keys create|list|revoke</c>: works on the data directory directly (SQLite in WAL mode and the
/// shared Data Protection key ring), so it also works while the server runs on the same directory. Creations and
/// revocations are audited with the actor <c>cli</c>.
/// </summary>
public static class KeysCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0)
        {
            error.WriteLine($"keys: a subcommand is required (create, list, revoke).\n\n{CommandLine.Usage}");
            return 2;
        }

        var options = ParseOptions(args[1..], out string? parseError);
        if (options is null)
        {
            error.WriteLine($"keys {args[0]}: {parseError}\n\n{CommandLine.Usage}");
            return 2;
        }

        using var services = CliServices.Open(args, out var data);
        var orgs = services.GetRequiredService<OrgDirectory>();

        if (!options.TryGetValue("org", out string? slug))
        {
            error.WriteLine($"keys {args[0]}: --org <slug> is required.");
            return 2;
        }

        var org = services.GetRequiredService<MetadataStore>().FindOrgBySlug(slug);
        if (org is null)
        {
            error.WriteLine($"keys {args[0]}: no org '{slug}' in {data.Root}.");
            return 1;
        }

        var keys = services.GetRequiredService<ApiKeyService>();
        var audit = services.GetRequiredService<AuditLog>();
        bool json = options.ContainsKey("json");
        switch (args[0])
        {
            case "create":
                if (!options.TryGetValue("name", out string? name) || string.IsNullOrWhiteSpace(name) || name.Length > 100)
                {
                    error.WriteLine("keys create: --name <name> (1 to 100 characters) is required.");
                    return 2;
                }

                var scopes = ApiKeyScopes.Parse(options.GetValueOrDefault("scopes", "ingest,read"), out string scopeError);
                if (scopes is null)
                {
                    error.WriteLine($"keys create: --scopes: {scopeError}.");
                    return 2;
                }

                var created = keys.Create(org.Id, name, scopes, "cli");
                audit.Record("cli", AuditActions.KeyCreated, AuditActions.Outcomes.Success, org.Id, created.Id, new { name, scopes });
                output.WriteLine(json
                    ? JsonSerializer.Serialize(new { id = created.Id, secret = created.Secret })
                    : $"Created key {created.Id} for org '{org.Slug}' with scopes {string.Join(',', scopes)}.\nSecret (shown once): {created.Secret}");
                return 0;
            case "list":
                var rows = keys.List(org.Id);
                if (json)
                {
                    output.WriteLine(JsonSerializer.Serialize(rows.Select(k => new
                    {
                        id = k.Id, name = k.Name, scopes = k.Scopes, created_at = k.CreatedAt, revoked_at = k.RevokedAt, last_used_at = k.LastUsedAt,
                    })));
                }
                else
                {
                    foreach (var k in rows)
                    {
                        output.WriteLine($"{k.Id}  {k.Name,-24} {string.Join(',', k.Scopes),-12} created {k.CreatedAt:u}{(k.RevokedAt is null ? string.Empty : $"  REVOKED {k.RevokedAt:u}")}");
                    }
                }

                return 0;
            case "revoke":
                if (!options.TryGetValue("id", out string? id))
                {
                    error.WriteLine("keys revoke: --id <obs_…> is required.");
                    return 2;
                }

                if (!keys.Revoke(org.Id, id))
                {
                    error.WriteLine($"keys revoke: no active key '{id}' in org '{org.Slug}'.");
                    return 1;
                }

                audit.Record("cli", AuditActions.KeyRevoked, AuditActions.Outcomes.Success, org.Id, id);
                output.WriteLine($"Revoked {id}.");
                return 0;
            default:
                error.WriteLine($"keys: unknown subcommand '{args[0]}' (create, list, revoke).");
                return 2;
        }
    }

    private static Dictionary<string, string>? ParseOptions(string[] args, out string? problem)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"unexpected argument '{args[i]}'";
                return null;
            }

            string name = args[i][2..];
            if (name == "json")
            {
                options[name] = "true";
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                options[name] = args[++i];
            }
            else
            {
                problem = $"--{name} needs a value";
                return null;
            }
        }

        problem = null;
        return options;
    }
}
