using AegisGuard.Audit;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Cli;

/// <summary>
/// <c>AegisGuard users instance-admin --email X --grant|--revoke|--list</c>: who runs the appliance (creates orgs,
/// invites into any org, sees appliance-wide figures), apart from any org role. Only the operator with the data
/// directory can change it — there is no API for it, so a stolen session cannot make itself instance administrator.
/// The last instance administrator cannot be revoked (grant another first). Audited as <c>cli</c>; running sessions
/// see the change at their next request.
/// </summary>
public static class UsersCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] != "instance-admin")
        {
            error.WriteLine($"users: the subcommand is instance-admin.\n\n{CommandLine.Usage}");
            return 2;
        }

        string? email = null;
        string? action = null;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--grant" or "--revoke" or "--list" when action is null:
                    action = args[i][2..];
                    break;
                case "--email" when i + 1 < args.Length:
                    email = args[++i];
                    break;
                case "--data" when i + 1 < args.Length:
                    i++;
                    break;
                default:
                    error.WriteLine($"users instance-admin: unexpected argument '{args[i]}'.\n\n{CommandLine.Usage}");
                    return 2;
            }
        }

        if (action is null || (action != "list" && string.IsNullOrWhiteSpace(email)))
        {
            error.WriteLine("users instance-admin: give --list, or --email <address> with --grant or --revoke.");
            return 2;
        }

        using var services = CliServices.Open(args, out var data);
        var store = services.GetRequiredService<MetadataStore>();
        if (action == "list")
        {
            output.WriteLine(string.Join(Environment.NewLine, store.ListInstanceAdmins()));
            return 0;
        }

        var user = store.FindUserByEmail(email!.Trim());
        if (user is null)
        {
            error.WriteLine($"users instance-admin: no user '{email}' in {data.Root}. People get accounts by accepting an invitation.");
            return 1;
        }

        bool grant = action == "grant";
        var admins = store.ListInstanceAdmins();
        bool isAdmin = admins.Contains(user.Email, StringComparer.OrdinalIgnoreCase);
        if (!grant && isAdmin && admins.Count == 1)
        {
            error.WriteLine($"users instance-admin: {user.Email} is the last instance administrator; grant another first.");
            return 1;
        }

        if (grant != isAdmin)
        {
            store.SetInstanceAdmin(user.Id, grant);
            services.GetRequiredService<AuditLog>().Record("cli", grant ? AuditActions.InstanceAdminGranted : AuditActions.InstanceAdminRevoked,
                AuditActions.Outcomes.Success, null, user.Email);
        }

        output.WriteLine(grant ? $"{user.Email} is an instance administrator." : $"{user.Email} is no longer an instance administrator.");
        return 0;
    }
}
