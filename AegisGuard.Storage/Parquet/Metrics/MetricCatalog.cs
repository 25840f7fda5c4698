using System.Globalization;
using System.Text;
using System.Text.Json;
using AegisGuard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// The series catalog and the rollups (<c>data/metrics/catalog.db</c>, SQLite): series with ids assigned here, their label
/// pairs indexed for look-ups, the days they have samples on, their rollups packed per series × resolution × chunk
/// (<c>MetricCatalog.Rollups.cs</c>, <see cref="RollupChunk"/>), and the follower's watermark. Its own file rather than
/// manifest.db: it is derived (losing it means rebuilding from the Parquet files, never losing data), its write rate
/// follows ingestion, and the manifest's writer (the flush) must never wait behind it.
/// </summary>
internal sealed partial class MetricCatalog
{
    private const string Followed = "followed";
    private const string SeriesColumns = "s.id, s.org_id, s.series_key, s.metric, s.type, s.source_name, s.source_labels, s.first_seen_ms, s.last_seen_ms";
    private readonly SqliteDatabase database;

    public MetricCatalog(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        database = new SqliteDatabase(path, "AegisGuard.Storage.Parquet.Metrics.Migrations.");
        database.Migrate();
    }

    public string Path => database.Path;

    /// <summary>Every stored metric row from ingest log addresses below this is in the catalog and the rollups.</summary>
    public long FollowedUntil()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT address FROM positions WHERE name = $name";
        command.Parameters.AddWithValue("$name", Followed);
        return command.ExecuteScalar() is long address ? address : 0;
    }

    /// <summary>Series of <paramref name="orgId"/> matching any selector (every series when there is none), optionally seen within a range.</summary>
    public List<CatalogSeries> Match(int orgId, IReadOnlyList<CompiledSelector> selectors, long? fromMs, long? toMs)
    {
        using var connection = database.Open();
        var found = new Dictionary<long, CatalogSeries>();
        if (selectors.Count == 0)
        {
            foreach (var series in Query(connection, orgId, [], fromMs, toMs))
            {
                found[series.Id] = series;
            }
        }

        foreach (var selector in selectors)
        {
            foreach (var series in Query(connection, orgId, selector.IndexedEqualities, fromMs, toMs))
            {
                if (!found.ContainsKey(series.Id) && selector.Matches(series.Identity.Labels))
                {
                    found[series.Id] = series;
                }
            }
        }

        return found.Values.ToList();
    }

    /// <summary>
    /// Label names of the org's series (seen within [<paramref name="fromMs"/>, <paramref name="toMs"/>] when given), from
    /// the label index and the series' first/last-seen times: no series key is read or parsed.
    /// </summary>
    public List<string> LabelNames(int orgId, long? fromMs = null, long? toMs = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT l.name FROM series_labels l" + SeenWithin(command, fromMs, toMs) + " WHERE l.org_id = $org";
        command.Parameters.AddWithValue("$org", orgId);
        return ReadStrings(command);
    }

    /// <summary>Values of one label over the org's series (seen within the range when given), from the label index alone.</summary>
    public List<string> LabelValues(int orgId, string name, long? fromMs = null, long? toMs = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT l.value FROM series_labels l" + SeenWithin(command, fromMs, toMs) + " WHERE l.org_id = $org AND l.name = $name";
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$name", name);
        return ReadStrings(command);
    }

    /// <summary>Catalog ids of the given series keys of one org (absent keys are new series).</summary>
    public Dictionary<string, long> FindIds(int orgId, IEnumerable<string> keys)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM series WHERE org_id = $org AND series_key = $key";
        command.Parameters.AddWithValue("$org", orgId);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string k in keys)
        {
            key.Value = k;
            if (command.ExecuteScalar() is long id)
            {
                ids[k] = id;
            }
        }

        return ids;
    }

    /// <summary>
    /// Writes one follower step — new series, days, buckets — and moves the watermark to <paramref name="followedUntil"/>,
    /// in one transaction: after a crash either all of the step is there or none of it, and it is redone.
    /// </summary>
    public void Apply(IReadOnlyList<SeriesChange> changes, long followedUntil, Action? beforeCommit = null)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();

        using var insertSeries = Command(connection, transaction, """
            INSERT INTO series (org_id, series_key, metric, type, source_name, source_labels, first_seen_ms, last_seen_ms)
            VALUES ($org, $key, $metric, $type, $source_name, $source_labels, $first, $last) RETURNING id
            """);
        using var updateSeries = Command(connection, transaction, """
            UPDATE series SET first_seen_ms = min(first_seen_ms, $first), last_seen_ms = max(last_seen_ms, $last), type = $type WHERE id = $id
            """);
        using var insertLabel = Command(connection, transaction, "INSERT OR IGNORE INTO series_labels (org_id, name, value, series_id) VALUES ($org, $name, $value, $id)");
        using var upsertDay = Command(connection, transaction, """
            INSERT INTO series_days (org_id, day, series_id, last_ms) VALUES ($org, $day, $id, $last)
            ON CONFLICT (org_id, day, series_id) DO UPDATE SET last_ms = max(last_ms, excluded.last_ms)
            """);
        using var chunks = new ChunkWriter(connection, transaction);

        foreach (var change in changes)
        {
            long id;
            if (change.ExistingId is { } existing)
            {
                id = existing;
                Run(updateSeries, ("$first", change.FirstMs), ("$last", change.LastMs), ("$type", change.Identity.Type), ("$id", id));
            }
            else
            {
                Bind(insertSeries, ("$org", change.OrgId), ("$key", change.Identity.Key), ("$metric", change.Identity.Metric), ("$type", change.Identity.Type),
                    ("$source_name", change.Identity.SourceName), ("$source_labels", change.Identity.SourceLabels), ("$first", change.FirstMs), ("$last", change.LastMs));
                id = (long)insertSeries.ExecuteScalar()!;
                foreach (var label in change.Identity.Labels)
                {
                    Run(insertLabel, ("$org", change.OrgId), ("$name", label.Name), ("$value", label.Value), ("$id", id));
                }
            }

            foreach (var (day, last) in change.Days)
            {
                Run(upsertDay, ("$org", change.OrgId), ("$day", day), ("$id", id), ("$last", last));
            }

            // A new series has no stored chunk to merge with: its id was assigned just now.
            chunks.Write(id, change.Buckets, merge: change.ExistingId is not null);
        }

        using (var position = Command(connection, transaction, """
            INSERT INTO positions (name, address) VALUES ($name, $address)
            ON CONFLICT (name) DO UPDATE SET address = max(address, excluded.address)
            """))
        {
            Run(position, ("$name", Followed), ("$address", followedUntil));
        }

        beforeCommit?.Invoke();
        transaction.Commit();
    }

    /// <summary>The (org, day) pairs the catalog holds samples of.</summary>
    public HashSet<(int OrgId, DateOnly Day)> Days()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT org_id, day FROM series_days";
        var days = new HashSet<(int, DateOnly)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            days.Add((reader.GetInt32(0), DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return days;
    }

    /// <summary>
    /// Forgets one day of one org (retention unlisted it): its rollup chunks (no chunk crosses a midnight, so the day's are
    /// exactly those starting within it), the series' day rows, and every series with no day left; the others' first-
    /// and last-seen times move to what remains. One transaction.
    /// </summary>
    public void DropDay(int orgId, DateOnly day)
    {
        string text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        long start = (day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
        long end = start + (long)TimeSpan.FromDays(1).TotalMilliseconds;
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var ids = new List<long>();
        using (var affected = Command(connection, transaction, "SELECT series_id FROM series_days WHERE org_id = $org AND day = $day"))
        {
            Bind(affected, ("$org", orgId), ("$day", text));
            using var reader = affected.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        using (var drop = Command(connection, transaction, """
            CREATE TEMP TABLE IF NOT EXISTS dropped (id INTEGER PRIMARY KEY);
            DELETE FROM dropped;
            INSERT INTO dropped SELECT value FROM json_each($ids);
            DELETE FROM rollup_chunks WHERE series_id IN (SELECT id FROM dropped) AND chunk_ms >= $start AND chunk_ms < $end;
            DELETE FROM series_days WHERE org_id = $org AND day = $day;
            DELETE FROM rollup_chunks WHERE series_id IN (SELECT id FROM dropped WHERE NOT EXISTS (SELECT 1 FROM series_days d WHERE d.series_id = dropped.id));
            DELETE FROM series_labels WHERE series_id IN (SELECT id FROM dropped WHERE NOT EXISTS (SELECT 1 FROM series_days d WHERE d.series_id = dropped.id));
            DELETE FROM series WHERE id IN (SELECT id FROM dropped WHERE NOT EXISTS (SELECT 1 FROM series_days d WHERE d.series_id = dropped.id));
            UPDATE series SET
                last_seen_ms = (SELECT max(last_ms) FROM series_days d WHERE d.series_id = series.id),
                first_seen_ms = max(first_seen_ms, (SELECT CAST(strftime('%s', min(day)) AS INTEGER) * 1000 FROM series_days d WHERE d.series_id = series.id))
            WHERE id IN (SELECT id FROM dropped);
            DELETE FROM dropped;
            """))
        {
            Run(drop, ("$ids", JsonSerializer.Serialize(ids)), ("$start", start), ("$end", end), ("$org", orgId), ("$day", text));
        }

        transaction.Commit();
    }

    private static List<CatalogSeries> Query(SqliteConnection connection, int orgId, IReadOnlyList<Storage.Metrics.LabelMatcher> equalities, long? fromMs, long? toMs)
    {
        using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {SeriesColumns} FROM series s");
        if (equalities.Count > 0)
        {
            // The first equality walks the label index; the others are index probes per candidate.
            sql.Append(" JOIN series_labels l ON l.series_id = s.id AND l.org_id = $org AND l.name = $name0 AND l.value = $value0");
            command.Parameters.AddWithValue("$name0", equalities[0].Name);
            command.Parameters.AddWithValue("$value0", equalities[0].Value);
        }

        sql.Append(" WHERE s.org_id = $org");
        command.Parameters.AddWithValue("$org", orgId);
        for (int i = 1; i < equalities.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND EXISTS (SELECT 1 FROM series_labels x WHERE x.org_id = $org AND x.name = $name{i} AND x.value = $value{i} AND x.series_id = s.id)");
            command.Parameters.AddWithValue($"$name{i}", equalities[i].Name);
            command.Parameters.AddWithValue($"$value{i}", equalities[i].Value);
        }

        AppendSeenWithin(sql, command, fromMs, toMs);
        command.CommandText = sql.ToString();
        var series = new List<CatalogSeries>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string key = reader.GetString(2);
            var identity = new MetricSeriesIdentity(key, MetricSeriesIdentity.LabelsOfKey(key), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6));
            series.Add(new CatalogSeries(reader.GetInt64(0), reader.GetInt32(1), identity, reader.GetInt64(7), reader.GetInt64(8)));
        }

        return series;
    }

    // The join that keeps label rows of series seen within a range (the same test as Match), or nothing.
    private static string SeenWithin(SqliteCommand command, long? fromMs, long? toMs)
    {
        if (fromMs is null && toMs is null)
        {
            return string.Empty;
        }

        var join = new StringBuilder(" JOIN series s ON s.id = l.series_id");
        AppendSeenWithin(join, command, fromMs, toMs);
        return join.ToString();
    }

    // A series (aliased s) seen within the range: its last sample at or after the start, its first at or before the end.
    private static void AppendSeenWithin(StringBuilder sql, SqliteCommand command, long? fromMs, long? toMs)
    {
        if (fromMs is { } from)
        {
            sql.Append(" AND s.last_seen_ms >= $from");
            command.Parameters.AddWithValue("$from", from);
        }

        if (toMs is { } to)
        {
            sql.Append(" AND s.first_seen_ms <= $to");
            command.Parameters.AddWithValue("$to", to);
        }
    }

    private static List<string> ReadStrings(SqliteCommand command)
    {
        var values = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            if (command.Parameters.Contains(name))
            {
                command.Parameters[name].Value = value;
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }
    }

    private static void Run(SqliteCommand command, params (string Name, object Value)[] values)
    {
        Bind(command, values);
        command.ExecuteNonQuery();
    }
}
