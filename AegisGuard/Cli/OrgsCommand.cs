using System.Text.Json;
using AegisGuard.Identity.Instance;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Cli;

/// <summary>
/// <c>AegisGuard orgs create|list</c>: organisations are created by the operator of the appliance (there is no
/// self-service sign-up) here or by an instance administrator at <c>/admin/instance</c>; <c>--owner</c> invites the first
/// OWNER (the link is printed once). Audited as <c>cli</c>.
/// </summary>
public static class OrgsCommand
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

        options.TryGetValue("slug", out string? slug);
        options.TryGetValue("owner", out string? owner);
        string displayName = options.GetValueOrDefault("name", slug ?? string.Empty);
        var errors = InstanceOrgs.Validate(slug, displayName, owner, ownerRequired: false);
        if (errors.Count > 0)
        {
            string field = errors.Keys.First();
            error.WriteLine($"orgs create: --{(field == "owner_email" ? "owner" : field)} {errors[field][0]}.");
            return 2;
        }

        var created = services.GetRequiredService<InstanceOrgs>().Create(null, slug!, displayName, owner?.Trim());
        if (created.SlugTaken)
        {
            error.WriteLine($"orgs create: an org '{slug}' already exists.");
            return 1;
        }

        var org = created.Org!;
        var invitation = created.OwnerInvitation;
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                id = org.Id,
                slug = org.Slug,
                name = org.Name,
                owner_invitation = invitation is null ? null : new { id = invitation.Invitation.Id, email = invitation.Invitation.Email, expires_at = invitation.Invitation.ExpiresAt, accept_path = invitation.AcceptPath },
            }));
            return 0;
        }

        output.WriteLine($"Created org '{org.Slug}' ({org.Name}).");
        if (invitation is not null)
        {
            // The CLI does not know the address people reach the appliance at, so it prints the path.
            output.WriteLine($"Invited {invitation.Invitation.Email} as OWNER. Give them this link (shown once, valid 7 days, single use):");
            output.WriteLine($"  https://<this appliance>{invitation.AcceptPath}");
        }
        else
        {
            output.WriteLine("It has no members yet: an instance administrator invites its owner at /admin/instance (or run again with --owner on a new org).");
        }

        return 0;
    }

}
