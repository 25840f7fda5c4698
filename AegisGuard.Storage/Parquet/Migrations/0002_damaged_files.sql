-- Parquet files that could not be read (missing, truncated, garbage bytes) and were taken out of the file list. The
-- manifest row is kept as it was, so a file restored from a backup can be listed again exactly, and so an operator can
-- see what was lost (signal, org, day, rows). A file is moved aside, never deleted.
CREATE TABLE damaged_files (
    path           TEXT PRIMARY KEY,         -- relative to data/telemetry, as it was listed in files
    signal         TEXT    NOT NULL,
    org_id         INTEGER NOT NULL,
    day            TEXT    NOT NULL,
    min_ts         INTEGER NOT NULL,
    max_ts         INTEGER NOT NULL,
    rows           INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    first_address  INTEGER NOT NULL,
    next_address   INTEGER NOT NULL,
    level          TEXT    NOT NULL,
    reason         TEXT    NOT NULL,         -- what reading it said, e.g. "the file is missing", DuckDB's error
    quarantined_as TEXT,                     -- relative to data/quarantine/files; NULL when there was nothing to move
    detected_at    INTEGER NOT NULL,         -- unix milliseconds
    accepted_at    INTEGER                   -- unix milliseconds when the loss was accepted (no longer a warning)
);
