using System.Globalization;
using System.Text.RegularExpressions;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// What a Parquet file's path says about it: <c>&lt;signal&gt;/org=&lt;id&gt;/day=&lt;yyyy-MM-dd&gt;/&lt;first&gt;-&lt;next&gt;.parquet</c>
/// (written by a flush of the ingest log range [first, next)) or <c>c&lt;first&gt;-&lt;next&gt;.parquet</c> (compacted from
/// fresh files of that range). The names are the only record of a file's range when manifest.db is lost.
/// </summary>
internal sealed partial record ParquetFileName(string Path, PartitionKey Partition, bool Compacted, long FirstAddress, long NextAddress)
{
    /// <summary>Parses a path relative to the telemetry root ('/' separated); null when it is not a name the appliance writes.</summary>
    public static ParquetFileName? TryParse(string relativePath)
    {
        var match = Pattern().Match(relativePath);
        if (!match.Success)
        {
            return null;
        }

        Signal? signal = match.Groups["signal"].Value switch
        {
            "logs" => Signal.Logs,
            "metrics" => Signal.Metrics,
            "traces" => Signal.Traces,
            "rum" => Signal.Rum,
            _ => null,
        };
        if (signal is null ||
            !int.TryParse(match.Groups["org"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int org) ||
            !DateOnly.TryParseExact(match.Groups["day"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ||
            !long.TryParse(match.Groups["first"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long first) ||
            !long.TryParse(match.Groups["next"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long next) ||
            next <= first)
        {
            return null;
        }

        return new ParquetFileName(relativePath, new PartitionKey(signal.Value, org, day), match.Groups["c"].Success, first, next);
    }

    /// <summary>True when this file's address range lies within <paramref name="other"/>'s.</summary>
    public bool LiesWithin(ParquetFileName other) => other.FirstAddress <= FirstAddress && NextAddress <= other.NextAddress;

    [GeneratedRegex(@"^(?<signal>[a-z_0-9]+)/org=(?<org>\d{1,10})/day=(?<day>\d{4}-\d{2}-\d{2})/(?<c>c)?(?<first>\d{1,19})-(?<next>\d{1,19})\.parquet$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
