// Cost of counting a duplicated span once in the span aggregates (ParquetSpanStore.Aggregates.cs): the services
// query and the map-edges query over one Parquet file, with every copy counted (0), a row_number() window keeping the
// first received copy (1), GROUP BY + arg_min (2) and DISTINCT ON without order (3, what the store uses), interleaved
// 0, 1, 2, 3 five times. Usage: dotnet fsi scripts/span-dedupe-bench.fsx <work dir> <distinct spans>
#r "nuget: DuckDB.NET.Data.Full, 1.5.6.1"
open System
open System.Diagnostics
open DuckDB.NET.Data
let args = fsi.CommandLineArgs
let work = args.[1]
let spans = int64 args.[2]
IO.Directory.CreateDirectory work |> ignore
let file = IO.Path.Combine(work, "spans.parquet")
let connection = new DuckDBConnection("DataSource=:memory:")
connection.Open()
let exec (sql: string) =
    use c = connection.CreateCommand()
    c.CommandText <- sql
    c.ExecuteNonQuery() |> ignore
// 10 spans per trace over 20 services; every 20th span sent twice (a later source_address).
exec (sprintf """
COPY (
  WITH base AS (
    SELECT i, i // 10 AS t, i %% 10 AS k FROM range(%d) r(i)),
  rows AS (
    SELECT 1 AS org_id, printf('%%032x', t) AS trace_id, printf('%%016x', i) AS span_id,
           CASE WHEN k = 0 THEN NULL ELSE printf('%%016x', i - 1) END AS parent_span_id,
           'svc' || ((t + k) %% 20) AS service, 'op' || (k %% 5) AS name, CASE WHEN k = 0 THEN 'server' ELSE 'client' END AS kind,
           TIMESTAMP '2026-11-20 00:00:00' + to_microseconds(i * 40) AS start_ts, TIMESTAMP '2026-11-20 00:00:00' + to_microseconds(i * 40 + 500) AS end_ts,
           (i * 7919) %% 200000 AS duration_us, CASE WHEN i %% 50 = 0 THEN 'error' ELSE 'ok' END AS status, NULL::VARCHAR AS status_message,
           '{}' AS attributes, i AS source_address, 0 AS source_index
    FROM base)
  SELECT * FROM rows UNION ALL SELECT * REPLACE (source_address + 1000000000 AS source_address) FROM rows WHERE span_id LIKE '%%0' OR span_id LIKE '%%4'
  ORDER BY trace_id, start_ts)
TO '%s' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)""" spans file)
// mode 0: every copy; 1: QUALIFY row_number() window; 2: GROUP BY (trace_id, span_id) with arg_min of each column by
// (source_address, source_index), i.e. the first received copy's values; 3: DISTINCT ON (trace_id, span_id), any copy.
let spansCte mode =
    let filter = sprintf "FROM read_parquet('%s') WHERE org_id = 1 AND start_ts >= TIMESTAMP '2026-11-19' AND start_ts < TIMESTAMP '2026-11-21'" file
    match mode with
    | 0 -> sprintf "SELECT trace_id, span_id, parent_span_id, service, name, status, duration_us, start_ts, (kind IN ('server', 'consumer') OR parent_span_id IS NULL) AS entry %s" filter
    | 1 -> sprintf "SELECT trace_id, span_id, parent_span_id, service, name, status, duration_us, start_ts, (kind IN ('server', 'consumer') OR parent_span_id IS NULL) AS entry %s QUALIFY row_number() OVER (PARTITION BY trace_id, span_id ORDER BY source_address, source_index) = 1" filter
    | 3 -> sprintf "SELECT DISTINCT ON (trace_id, span_id) trace_id, span_id, parent_span_id, service, name, status, duration_us, start_ts, (kind IN ('server', 'consumer') OR parent_span_id IS NULL) AS entry %s" filter
    | _ -> sprintf """SELECT trace_id, span_id, arg_min(parent_span_id, k) AS parent_span_id, arg_min(service, k) AS service, arg_min(name, k) AS name,
  arg_min(status, k) AS status, arg_min(duration_us, k) AS duration_us, arg_min(start_ts, k) AS start_ts, arg_min(entry, k) AS entry
FROM (SELECT *, (kind IN ('server', 'consumer') OR parent_span_id IS NULL) AS entry, (source_address, source_index) AS k %s) GROUP BY trace_id, span_id""" filter
let stats (dedupe: int) = sprintf """WITH s AS (%s) SELECT service, count(*), count(*) FILTER (WHERE entry), quantile_cont(duration_us, 0.5), quantile_cont(duration_us, 0.95) FROM s GROUP BY service""" (spansCte dedupe)
let edges (dedupe: int) = sprintf """WITH s AS (%s), p AS (SELECT DISTINCT trace_id, span_id, service, name FROM s),
e AS (SELECT p.service AS caller, c.service AS callee, c.duration_us FROM s c JOIN p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id WHERE p.service <> c.service)
SELECT caller, callee, count(*), quantile_cont(duration_us, 0.95) FROM e GROUP BY caller, callee""" (spansCte dedupe)
let time (sql: string) =
    use c = connection.CreateCommand()
    c.CommandText <- sql
    let sw = Stopwatch.StartNew()
    use r = c.ExecuteReader()
    let mutable n = 0L
    while r.Read() do n <- n + r.GetInt64(2)
    sw.Elapsed.TotalMilliseconds, n
let rows = (use c = connection.CreateCommand() in c.CommandText <- sprintf "SELECT count(*) FROM '%s'" file; c.ExecuteScalar() :?> int64)
printfn "rows in file: %d (%d distinct spans)" rows spans
for name, query in [ "services", stats; "map edges", edges ] do
    let modes = [ 0; 1; 2; 3 ]
    for m in modes do time (query m) |> ignore
    let times = modes |> List.map (fun _ -> ResizeArray<float>())
    let counts = Array.zeroCreate<int64> 4
    for _ in 1 .. 5 do
        for m in modes do
            let t, n = time (query m)
            times.[m].Add t
            counts.[m] <- n
    let median (x: ResizeArray<float>) = (Seq.sort x |> Seq.toArray).[x.Count / 2]
    printfn "%-10s every copy %7.0f ms (count %d) | window %7.0f ms (count %d, x%.2f) | group by + arg_min %7.0f ms (count %d, x%.2f) | distinct on %7.0f ms (count %d, x%.2f)" name
        (median times.[0]) counts.[0] (median times.[1]) counts.[1] (median times.[1] / median times.[0]) (median times.[2]) counts.[2] (median times.[2] / median times.[0])
        (median times.[3]) counts.[3] (median times.[3] / median times.[0])
printfn "loadavg: %s" (IO.File.ReadAllText "/proc/loadavg" |> fun s -> s.Trim())
