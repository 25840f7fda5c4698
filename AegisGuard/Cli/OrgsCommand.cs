using System.Text.Json;
using System.Text.RegularExpressions;
using AegisGuard.Audit;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Cli;

/// <summary>
/// <c>AegisGuard orgs create|list</c>: organisations are created by the operator of the appliance (there is no
/// self-service sign-up); their first members are then added with the users API or pages. Audited as <c>cli</c>.
/// </summary>
public static partial class OrgsCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string verb = args.Length > 0 ? args[0] : string.Empty;
        if (verb is not ("create" or "list"))
        {
            error.WriteLine($"orgs: the subcommands are create and list.\n\n{CommandLine.Usage}");
            return 2;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : string.Empty;
            if (name == "json")
            {
                options[name] = "true";
            }
            else if (name.Length > 0 && i + 1 < args.Length)
            {
                options[name] = args[++i];
            }
            else
            {
                error.WriteLine($"orgs {verb}: unexpected argument '{args[i]}'.\n\n{CommandLine.Usage}");
                return 2;
            }
        }

        using var services = CliServices.Open(args, out var data);
        var orgs = services.GetRequiredService<OrgDirectory>();
        var store = services.GetRequiredService<MetadataStore>();
        bool json = options.ContainsKey("json");

        if (verb == "list")
        {
            var all = store.ListOrgs();
            output.WriteLine(json
                ? JsonSerializer.Serialize(all.Select(o => new { id = o.Id, slug = o.Slug, name = o.Name, created_at = o.CreatedAt }))
                : string.Join(Environment.NewLine, all.Select(o => $"{o.Slug,-24} {o.Name}")));
            return 0;
        }

        if (!options.TryGetValue("slug", out string? slug) || !SlugPattern().IsMatch(slug))
        {
            error.WriteLine("orgs create: --slug is required: 2 to 63 lower-case letters, digits or '-', starting with a letter or digit.");
            return 2;
        }

        string displayName = options.GetValueOrDefault("name", slug);
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 100)
        {
            error.WriteLine("orgs create: --name must have 1 to 100 characters.");
            return 2;
        }

        if (store.FindOrgBySlug(slug) is not null)
        {
            error.WriteLine($"orgs create: an org '{slug}' already exists.");
            return 1;
        }

        var org = orgs.Ensure(slug, displayName);
        services.GetRequiredService<AuditLog>().Record("cli", AuditActions.OrgCreated, AuditActions.Outcomes.Success, org.Id, org.Slug, new { name = org.Name });
        output.WriteLine(json ? JsonSerializer.Serialize(new { id = org.Id, slug = org.Slug, name = org.Name }) : $"Created org '{org.Slug}' ({org.Name}).");
        return 0;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
