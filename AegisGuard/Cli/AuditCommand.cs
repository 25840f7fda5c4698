using AegisGuard.Hosting;
using AegisGuard.Storage;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Cli;

/// <summary>
/// <c>AegisGuard audit verify --data &lt;dir&gt;</c>: walks the audit log's hash chain offline (also while the server
/// runs) and exits 0 when it is intact, 1 naming the first entry that was edited, deleted or moved (or when meta.db is
/// damaged, or missing from a data directory in use), 2 on usage errors or when the directory holds no appliance at all.
/// </summary>
public static class AuditCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] != "verify")
        {
            error.WriteLine($"audit: the subcommand is verify.\n\n{CommandLine.Usage}");
            return 2;
        }

        for (int i = 1; i < args.Length; i++)
        {
            bool dataOption = args[i] == "--data" && i + 1 < args.Length;
            if (dataOption)
            {
                i++;
            }
            else if (!args[i].StartsWith("--data=", StringComparison.Ordinal))
            {
                error.WriteLine($"audit verify: unexpected argument '{args[i]}'.\n\n{CommandLine.Usage}");
                return 2;
            }
        }

        var data = new DataDirectory(DataDirResolver.Resolve(args));
        // A lost or damaged meta.db: exit 1 with the file, problem and remedy. The whole file: the chain walk reads it all anyway.
        DataDirectoryCheck.EnsureMetadataUsable(data, wholeFile: true);
        if (!File.Exists(data.MetaDb))
        {
            error.WriteLine($"audit verify: there is no {data.MetaDb}; is --data the appliance's data directory?");
            return 2;
        }

        var result = new MetadataStore(data.MetaDb).VerifyAuditChain();
        if (result.Intact)
        {
            output.WriteLine($"Audit log intact: {result.EntriesChecked} entries, head {result.HeadHash}.");
            return 0;
        }

        error.WriteLine(result.FirstBrokenSeq is { } seq ? $"Audit log BROKEN at entry {seq}: {result.Problem}." : $"Audit log BROKEN: {result.Problem}.");
        error.WriteLine($"Entries before it check out (last good hash {result.HeadHash}).");
        return 1;
    }
}
