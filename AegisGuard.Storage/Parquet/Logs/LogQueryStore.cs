using System.Text;
using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Storage.Parquet.Logs;

/// <summary>
/// Runs planned log queries (<see cref="LogFilter"/> data) over an org's Parquet files: pages of lines,
/// aggregations per group and time bucket, and facet counts. Files come from the manifest (org + time overlap),
/// never from globbing, and every statement also filters on <c>org_id</c>.
/// </summary>
public sealed class LogQueryStore
{
    private readonly Manifest manifest;
    private readonly DuckDbEngine engine;
    private readonly string telemetryRoot;

    internal LogQueryStore(Manifest manifest, DuckDbEngine engine, string telemetryRoot)
    {
        this.manifest = manifest;
        this.engine = engine;
        this.telemetryRoot = telemetryRoot;
        using var connection = engine.OpenConnection();
        LogFieldFunctions.Register(connection);
    }

    /// <summary>
    /// A search reads the newest (or oldest) files first and stops once the page can no longer change; the first
    /// round reads files holding about this many rows, each further round twice as many as the one before.
    /// </summary>
    internal long FirstRoundRows { get; set; } = 1_000_000;

    /// <summary>
    /// A search first looks at the newest (or oldest) slice of its range expected to hold about this many lines,
    /// then at slices four times wider each; small stores are searched in one slice.
    /// </summary>
    internal long FirstWindowRows { get; set; } = 200_000;

    /// <summary>Takes damaged files out of a statement that fails on them (null: a failing statement just fails).</summary>
    internal ParquetFileGuard? Guard { get; set; }

    /// <summary>
    /// One page of lines in the requested order, reading as little as possible from the requested end of the range:
    /// first in time windows that widen until the page is full, and inside a window file by file (see below).
    /// </summary>
    public async Task<LogSearchPage> SearchAsync(LogSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filter = request.Filter;
        bool backward = request.Direction == LogSearchDirection.Backward;
        if (request.After is { } after)
        {
            filter = backward
                ? filter with { To = Min(filter.To, after.Timestamp.AddTicks(TimeSpan.TicksPerMicrosecond)) }
                : filter with { From = Max(filter.From, after.Timestamp) };
        }

        if (request.Limit <= 0 || filter.From >= filter.To)
        {
            return new LogSearchPage([], null, 0, 0);
        }

        var listed = manifest.ListFiles(Signal.Logs, filter.OrgId, filter.From, filter.To);
        int wanted = request.Limit + 1; // one more than the page tells whether another page follows
        var found = new List<LogRecord>();
        var opened = new Dictionary<string, long>(StringComparer.Ordinal);
        var damaged = new List<DamagedFile>();

        // Time windows from the requested end, each four times wider than the last, starting with one expected to
        // hold about FirstWindowRows lines. Lines of a window all precede (in the requested order) those of later
        // windows, so the search ends with the first window that fills the page. Inside big compacted files (sorted
        // by service, then time) a window is a ts predicate that row-group statistics turn into a few row groups.
        long totalRows = listed.Sum(f => f.Rows);
        long rangeTicks = (filter.To - filter.From).Ticks;
        long width = totalRows <= FirstWindowRows
            ? rangeTicks
            : Math.Max(TimeSpan.TicksPerSecond, (long)(rangeTicks * (FirstWindowRows / (double)totalRows)));
        var edge = backward ? filter.To : filter.From;
        while (found.Count < wanted)
        {
            var window = backward
                ? filter with { From = (edge - filter.From).Ticks <= width ? filter.From : edge.AddTicks(-width), To = edge }
                : filter with { From = edge, To = (filter.To - edge).Ticks <= width ? filter.To : edge.AddTicks(width) };
            var files = listed.Where(f => f.MaxTimestamp >= window.From && f.MinTimestamp < window.To && !damaged.Any(d => d.Path == f.Path));
            var ordered = backward ? files.OrderByDescending(f => f.MaxTimestamp).ToList() : files.OrderBy(f => f.MinTimestamp).ToList();
            var rows = await SearchFilesAsync(ordered, window, request, wanted - found.Count, opened, damaged, cancellationToken);
            found.AddRange(rows);
            edge = backward ? window.From : window.To;
            if (edge == (backward ? filter.From : filter.To))
            {
                break;
            }

            width = width > long.MaxValue / 8 ? width : width * 4;
        }

        bool more = found.Count > request.Limit;
        var page = more ? found.GetRange(0, request.Limit) : found;
        LogPosition? nextPosition = more ? PositionOf(page[^1]) : null;
        foreach (var file in damaged)
        {
            opened.Remove(file.Path);
        }

        return new LogSearchPage(page, nextPosition, opened.Values.Sum(), opened.Count) { Damaged = damaged };
    }

    /// <summary>
    /// The first <paramref name="wanted"/> lines of <paramref name="filter"/> in <paramref name="files"/> (ordered from
    /// the requested end). Files are read in rounds; every file left over lies entirely beyond a time bound, so once
    /// the last wanted line is inside that bound the remaining files cannot contribute and are never opened.
    /// </summary>
    private async Task<List<LogRecord>> SearchFilesAsync(
        List<ManifestFile> files, LogFilter filter, LogSearchRequest request, int wanted, Dictionary<string, long> opened, List<DamagedFile> damaged,
        CancellationToken cancellationToken)
    {
        bool backward = request.Direction == LogSearchDirection.Backward;
        var found = new List<LogRecord>();
        int next = 0;
        long roundRows = FirstRoundRows;
        while (next < files.Count)
        {
            var round = new List<ManifestFile>();
            long rows = 0;
            while (next < files.Count && (round.Count == 0 || rows < roundRows))
            {
                rows += files[next].Rows;
                opened[files[next].Path] = files[next].Rows;
                round.Add(files[next++]);
            }

            roundRows *= 2;
            var rowsOfRound = await QueryAsync(round, (connection, paths, ct) => Search(connection, paths, filter, request, wanted, ct), [], damaged, cancellationToken);
            found = Merge(found, rowsOfRound, backward, wanted);
            if (found.Count >= wanted && next < files.Count)
            {
                var last = found[wanted - 1].Timestamp;
                bool settled = backward ? last > files[next].MaxTimestamp : last < files[next].MinTimestamp;
                if (settled)
                {
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>Lines (or message bytes) per group and bucket, in one statement over every file of the range.</summary>
    public async Task<LogAggregation> AggregateAsync(LogAggregationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filter = request.Filter;
        if (filter.From >= filter.To)
        {
            return new LogAggregation([], false, 0, 0);
        }

        var files = manifest.ListFiles(Signal.Logs, filter.OrgId, filter.From, filter.To);
        if (files.Count == 0)
        {
            return new LogAggregation([], false, 0, 0);
        }

        var damaged = new List<DamagedFile>();
        var (rows, truncated) = await QueryAsync(files, (connection, paths, ct) => Aggregate(connection, paths, request, ct), ([], false), damaged, cancellationToken);
        var read = files.Where(f => !damaged.Any(d => d.Path == f.Path)).ToList();
        return new LogAggregation(rows, truncated, read.Sum(f => f.Rows), read.Count) { Damaged = damaged };
    }

    /// <summary>Exact counts of the matching lines per service, level and host, in one scan (grouping sets).</summary>
    public async Task<LogFacetCounts> CountFacetsAsync(LogFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.From >= filter.To)
        {
            return new LogFacetCounts(0, [], [], [], 0, 0);
        }

        var files = manifest.ListFiles(Signal.Logs, filter.OrgId, filter.From, filter.To);
        if (files.Count == 0)
        {
            return new LogFacetCounts(0, [], [], [], 0, 0);
        }

        var damaged = new List<DamagedFile>();
        var (services, levels, hosts) = await QueryAsync(files, (connection, paths, ct) => CountFacets(connection, paths, filter, ct), ([], [], []), damaged, cancellationToken);
        var read = files.Where(f => !damaged.Any(d => d.Path == f.Path)).ToList();
        return new LogFacetCounts(levels.Sum(l => l.Count), services, levels, hosts, read.Sum(f => f.Rows), read.Count) { Damaged = damaged };
    }

    /// <summary>
    /// Null when <paramref name="pattern"/> is a valid RE2 expression, else DuckDB's reason. Queries check their
    /// patterns with the engine that will run them (RE2 and .NET regular expressions differ).
    /// </summary>
    public Task<string?> CheckRegexAsync(string pattern, CancellationToken cancellationToken) =>
        engine.QueryAsync<string?>((connection, _) =>
        {
            using var command = Prepare(connection, "SELECT regexp_matches('', $pattern)", [new("pattern", pattern)]);
            try
            {
                command.ExecuteScalar();
                return null;
            }
            catch (DuckDBException e)
            {
                string reason = e.Message.Split('\n')[0];
                int colon = reason.IndexOf(": ", StringComparison.Ordinal);
                return colon >= 0 ? reason[(colon + 2)..] : reason;
            }
        }, cancellationToken);

    /// <summary>Files, rows and bytes of an org's logs as listed in the manifest.</summary>
    public LogStorageTotals Totals(int orgId)
    {
        var files = manifest.ListFiles(Signal.Logs, orgId, DateTime.MinValue.AddYears(1), DateTime.MaxValue.AddYears(-1));
        return files.Count == 0
            ? new LogStorageTotals(0, 0, 0, null, null)
            : new LogStorageTotals(files.Count, files.Sum(f => f.Rows), files.Sum(f => f.Bytes), files.Min(f => f.MinTimestamp), files.Max(f => f.MaxTimestamp));
    }

    /// <summary>The statement and parameters of one search round (exposed for tests of the SQL shape).</summary>
    internal static (string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters) SearchSql(
        IReadOnlyList<string> paths, LogFilter filter, LogSearchDirection direction, LogPosition? after, int limit)
    {
        var sql = new LogSqlBuilder();
        sql.Named("files", paths.ToList());
        var text = new StringBuilder("SELECT ").Append(LogSqlBuilder.RowColumns)
            .Append(" FROM read_parquet($files) WHERE ").Append(sql.Where(filter));
        if (after is { } position)
        {
            text.Append(" AND ").Append(sql.After(position, direction));
        }

        text.Append(" ORDER BY ").Append(LogSqlBuilder.OrderBy(direction)).Append(" LIMIT ").Append(sql.Named("limit", limit));
        return (text.ToString(), sql.Parameters);
    }

    /// <summary>The statement and parameters of an aggregation (exposed for tests of the SQL shape).</summary>
    internal static (string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters) AggregateSql(IReadOnlyList<string> paths, LogAggregationRequest request)
    {
        var sql = new LogSqlBuilder();
        sql.Named("files", paths.ToList());
        var text = new StringBuilder("SELECT ");
        for (int i = 0; i < request.GroupBy.Count; i++)
        {
            text.Append("coalesce(").Append(sql.Field(request.GroupBy[i])).Append(", '') AS l").Append(i).Append(", ");
        }

        text.Append(sql.Bucket(request.BucketOrigin, request.BucketWidth, request.RightClosedBuckets)).Append(" AS bucket, ")
            .Append(request.Measure == LogMeasure.Bytes ? "sum(strlen(message))::DOUBLE" : "count(*)::DOUBLE").Append(" AS value")
            .Append(" FROM read_parquet($files) WHERE ").Append(sql.Where(request.Filter))
            .Append(" GROUP BY ALL LIMIT ").Append(sql.Named("limit", request.MaxRows + 1));
        return (text.ToString(), sql.Parameters);
    }

    /// <summary>The statement and parameters of the facet counts (exposed for tests of the SQL shape).</summary>
    internal static (string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters) FacetSql(IReadOnlyList<string> paths, LogFilter filter)
    {
        var sql = new LogSqlBuilder();
        sql.Named("files", paths.ToList());
        string text = "SELECT GROUPING(service), GROUPING(level), service, level, host, count(*) FROM " +
            "(SELECT service, level, coalesce(host, '') AS host FROM read_parquet($files) WHERE " + sql.Where(filter) + ") " +
            "GROUP BY GROUPING SETS ((service), (level), (host))";
        return (text, sql.Parameters);
    }

    /// <summary>
    /// Runs one statement over <paramref name="files"/>; through the guard, when there is one, so that a damaged file is
    /// moved aside (added to <paramref name="damaged"/>) and the statement answers over the others.
    /// </summary>
    private async Task<T> QueryAsync<T>(
        IReadOnlyList<ManifestFile> files, Func<DuckDBConnection, List<string>, CancellationToken, T> query, T none, List<DamagedFile> damaged,
        CancellationToken cancellationToken)
    {
        Task<T> Run(IReadOnlyList<ManifestFile> selected, CancellationToken ct)
        {
            var paths = selected.Select(f => Path.Combine(telemetryRoot, f.Path)).ToList();
            return engine.QueryAsync((connection, token) => query(connection, paths, token), ct);
        }

        if (Guard is null)
        {
            return await Run(files, cancellationToken);
        }

        var (result, lost) = await Guard.ReadAsync(files, Run, none, cancellationToken);
        damaged.AddRange(lost.Where(l => !damaged.Any(d => d.Path == l.Path)));
        return result;
    }

    private static List<LogRecord> Search(
        DuckDBConnection connection, List<string> paths, LogFilter filter, LogSearchRequest request, int limit, CancellationToken cancellationToken)
    {
        var (sql, parameters) = SearchSql(paths, filter, request.Direction, request.After, limit);
        using var command = Prepare(connection, sql, parameters);
        var rows = new List<LogRecord>(Math.Min(limit, 1024));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.Add(LogSqlBuilder.ReadRow(reader));
        }

        return rows;
    }

    private static (List<LogAggregationRow> Rows, bool Truncated) Aggregate(
        DuckDBConnection connection, List<string> paths, LogAggregationRequest request, CancellationToken cancellationToken)
    {
        var (sql, parameters) = AggregateSql(paths, request);
        using var command = Prepare(connection, sql, parameters);
        var rows = new List<LogAggregationRow>();
        int labels = request.GroupBy.Count;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rows.Count == request.MaxRows)
            {
                return (rows, true);
            }

            var values = new string[labels];
            for (int i = 0; i < labels; i++)
            {
                values[i] = reader.GetString(i);
            }

            rows.Add(new LogAggregationRow(values, reader.GetInt64(labels), reader.GetDouble(labels + 1)));
        }

        return (rows, false);
    }

    private static (List<LogValueCount> Services, List<LogValueCount> Levels, List<LogValueCount> Hosts) CountFacets(
        DuckDBConnection connection, List<string> paths, LogFilter filter, CancellationToken cancellationToken)
    {
        var (sql, parameters) = FacetSql(paths, filter);
        using var command = Prepare(connection, sql, parameters);
        List<LogValueCount> services = [], levels = [], hosts = [];
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            long count = Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture);
            if (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                services.Add(new LogValueCount(reader.GetString(2), count));
            }
            else if (Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                levels.Add(new LogValueCount(reader.GetString(3), count));
            }
            else
            {
                hosts.Add(new LogValueCount(reader.GetString(4), count));
            }
        }

        return (Sorted(services), Sorted(levels), Sorted(hosts));
    }

    private static List<LogValueCount> Sorted(List<LogValueCount> counts) =>
        counts.OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal).ToList();

    private static DuckDBCommand Prepare(DuckDBConnection connection, string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        return command;
    }

    private static List<LogRecord> Merge(List<LogRecord> found, List<LogRecord> round, bool backward, int wanted)
    {
        if (found.Count == 0)
        {
            return round;
        }

        var merged = new List<LogRecord>(Math.Min(found.Count + round.Count, wanted));
        int a = 0, b = 0;
        while (merged.Count < wanted && (a < found.Count || b < round.Count))
        {
            bool takeFound = b >= round.Count
                || (a < found.Count && (backward ? PositionOf(found[a]) > PositionOf(round[b]) : PositionOf(found[a]) < PositionOf(round[b])));
            merged.Add(takeFound ? found[a++] : round[b++]);
        }

        return merged;
    }

    private static LogPosition PositionOf(LogRecord row) => new(row.Timestamp, row.SourceAddress, row.SourceIndex);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
