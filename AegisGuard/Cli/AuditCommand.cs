using System.Globalization;
using System.Text.Json;
using AegisGuard.Audit;
using AegisGuard.Hosting;
using AegisGuard.Storage;
using AegisGuard.Storage.Metadata;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Cli;

/// <summary>
/// <c>AegisGuard audit verify|list|reanchor --data &lt;dir&gt;</c>, offline (also while the server runs).
/// <c>verify</c> walks the whole hash chain and the whole head log and exits 0 when they are intact, 1 naming the first
/// entry that was edited, deleted or moved, or the anchored history that is gone (also when meta.db is damaged, or
/// missing from a data directory in use), 2 on usage errors or when the directory holds no appliance at all.
/// <c>list</c> prints entries, newest first: one org's (<c>--org</c>) or the instance's own (<c>--instance</c>: org NULL,
/// e.g. unknown API keys), until an instance administrator can read them over HTTP. <c>reanchor</c> records, after a
/// break that no backup can repair, that the history before it is lost, so the anchor advances again.
/// </summary>
public static class AuditCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string verb = args.Length > 0 ? args[0] : string.Empty;
        if (verb is not ("verify" or "list" or "reanchor"))
        {
            error.WriteLine($"audit: the subcommands are verify, list and reanchor.\n\n{CommandLine.Usage}");
            return 2;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : string.Empty;
            if (name.StartsWith("data=", StringComparison.Ordinal))
            {
                continue;
            }

            bool flag = name is "json" or "instance";
            bool valued = name is "data" or "org" or "limit";
            if (flag && verb == "list")
            {
                options[name] = "true";
            }
            else if (valued && i + 1 < args.Length && (name == "data" || verb == "list"))
            {
                options[name] = args[++i];
            }
            else
            {
                error.WriteLine($"audit {verb}: unexpected argument '{args[i]}'.\n\n{CommandLine.Usage}");
                return 2;
            }
        }

        var data = new DataDirectory(DataDirResolver.Resolve(args));
        // A lost or damaged meta.db: exit 1 with the file, problem and remedy. The whole file: the chain walk reads it all anyway.
        DataDirectoryCheck.EnsureMetadataUsable(data, wholeFile: true);
        if (!File.Exists(data.MetaDb))
        {
            error.WriteLine($"audit {verb}: there is no {data.MetaDb}; is --data the appliance's data directory?");
            return 2;
        }

        try
        {
            var store = new MetadataStore(data.MetaDb);
            return verb switch
            {
                "verify" => Verify(store, output, error),
                "list" => List(store, options, output, error),
                _ => Reanchor(store, output, error),
            };
        }
        catch (Exception ex) when (ex is not SqliteException and not StartupRefusedException and not OutOfMemoryException)
        {
            // Whatever an edit outside the appliance left behind, one line, never a stack trace.
            error.WriteLine($"audit {verb}: {data.MetaDb} could not be read ({ex.GetType().Name}: {ex.Message.TrimEnd('.')}); treat the audit log as BROKEN and restore meta.db from a backup.");
            return 1;
        }
    }

    private static int Verify(MetadataStore store, TextWriter output, TextWriter error)
    {
        var result = store.VerifyAuditChain();
        if (result.Intact)
        {
            string since = result.ReanchoredAt is { } at
                ? string.Create(CultureInfo.InvariantCulture, $" (re-anchored at entry {at}: the history the anchor recorded before it was declared lost; see that audit.reanchored entry)")
                : string.Empty;
            output.WriteLine($"Audit log intact: {result.EntriesChecked} entries, head {result.HeadHash}{since}.");
            return 0;
        }

        error.WriteLine(result.FirstBrokenSeq is { } seq ? $"Audit log BROKEN at entry {seq}: {result.Problem}." : $"Audit log BROKEN: {result.Problem}.");
        error.WriteLine($"Entries before it check out (last good hash {result.HeadHash}). Restore meta.db and audit.head from the backup taken together; " +
            "if that history is lost for good, record it with `AegisGuard audit reanchor`.");
        return 1;
    }

    private static int List(MetadataStore store, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        bool instance = options.ContainsKey("instance");
        options.TryGetValue("org", out string? slug);
        if (instance == (slug is not null))
        {
            error.WriteLine("audit list: give either --org <slug> or --instance (the instance's own entries: unknown API keys and other refusals without an org).");
            return 2;
        }

        int limit = 50;
        if (options.TryGetValue("limit", out string? text) &&
            (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > AuditApi.MaxPageSize))
        {
            error.WriteLine($"audit list: --limit must be a whole number from 1 to {AuditApi.MaxPageSize}.");
            return 2;
        }

        int orgId = 0;
        if (slug is not null)
        {
            if (store.FindOrgBySlug(slug) is not { } org)
            {
                error.WriteLine($"audit list: there is no org '{slug}'.");
                return 1;
            }

            orgId = org.Id;
        }

        var page = store.QueryAudit(new AuditQuery { OrgId = orgId, Instance = instance, PageSize = limit });
        if (options.ContainsKey("json"))
        {
            output.WriteLine(JsonSerializer.Serialize(new AuditApi.AuditResult([.. page.Entries.Select(AuditApi.AuditItem.From)], page.Total, 1, limit)));
            return 0;
        }

        foreach (var e in page.Entries)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Seq,8} {e.At:yyyy-MM-dd'T'HH:mm:ss'Z'} {e.Action,-26} {e.Outcome,-8} {e.Actor} {e.Ip ?? "-"} {e.Target ?? "-"} {e.Details}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{page.Entries.Count} of {page.Total} entries."));
        return 0;
    }

    private static int Reanchor(MetadataStore store, TextWriter output, TextWriter error)
    {
        var before = store.Reanchor("cli", AuditActions.Reanchored);
        if (before.Intact)
        {
            output.WriteLine("Audit log intact: nothing to re-anchor.");
            return 0;
        }

        var after = store.VerifyAuditChain();
        output.WriteLine($"Recorded the break ({before.Problem}) as entry {AuditActions.Reanchored} and re-anchored audit.head there. Restart the server.");
        if (!after.Intact)
        {
            error.WriteLine($"The chain in meta.db itself is still broken: {after.Problem}. Only a backup repairs that.");
            return 1;
        }

        return 0;
    }
}
