-- One row per queryable Parquet file. A query lists its files here (org + time overlap), never by globbing.
CREATE TABLE files (
    path          TEXT PRIMARY KEY,          -- relative to data/telemetry, '/' separated
    signal        TEXT    NOT NULL,          -- logs | metrics | traces | rum
    org_id        INTEGER NOT NULL,
    day           TEXT    NOT NULL,          -- yyyy-MM-dd (UTC) of the events
    min_ts        INTEGER NOT NULL,          -- unix microseconds, inclusive
    max_ts        INTEGER NOT NULL,          -- unix microseconds, inclusive
    rows          INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    first_address INTEGER NOT NULL,          -- ingest log address range the rows came from
    next_address  INTEGER NOT NULL,
    level         TEXT    NOT NULL,          -- fresh | compacted
    created_at    INTEGER NOT NULL           -- unix milliseconds
);
CREATE INDEX files_by_org_time ON files (signal, org_id, max_ts, min_ts);

-- Named positions. 'flushed' = every ingest log record before this address is in a listed file.
CREATE TABLE positions (
    name    TEXT PRIMARY KEY,
    address INTEGER NOT NULL
);

-- Files replaced by compaction, deleted after a grace period so running queries can finish.
CREATE TABLE doomed (
    path         TEXT PRIMARY KEY,
    delete_after INTEGER NOT NULL            -- unix milliseconds
);
