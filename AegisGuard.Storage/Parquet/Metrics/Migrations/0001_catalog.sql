-- The metric catalog (data/metrics/catalog.db): series, their labels, the days they have samples on, their rollups,
-- and the follower's watermark. Everything here is derived from the Parquet rows listed in manifest.db and can be
-- rebuilt from them (delete the file: the follower starts again at address 0).
CREATE TABLE series (
    id             INTEGER PRIMARY KEY,      -- assigned here: no hash collisions to handle
    org_id         INTEGER NOT NULL,
    series_key     TEXT    NOT NULL,         -- canonical form: JSON array of name, value, name, value… sorted by name
    metric         TEXT    NOT NULL,         -- __name__ as exposed (x_bucket, x_sum, x_count for histograms)
    type           TEXT    NOT NULL,         -- counter, gauge or histogram
    source_name    TEXT    NOT NULL,         -- the stored row's name (x for the series of histogram x)
    source_labels  TEXT    NOT NULL,         -- the stored row's labels JSON
    first_seen_ms  INTEGER NOT NULL,
    last_seen_ms   INTEGER NOT NULL,
    UNIQUE (org_id, series_key)
);

CREATE TABLE series_labels (
    org_id    INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    series_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, name, value, series_id)
) WITHOUT ROWID;

CREATE INDEX series_labels_by_series ON series_labels (series_id);

-- The UTC days a series has samples on (and its newest sample on each): retention drops days, and a series goes with
-- its last day.
CREATE TABLE series_days (
    org_id    INTEGER NOT NULL,
    day       TEXT    NOT NULL,
    series_id INTEGER NOT NULL,
    last_ms   INTEGER NOT NULL,
    PRIMARY KEY (org_id, day, series_id)
) WITHOUT ROWID;

CREATE INDEX series_days_by_series ON series_days (series_id);

-- One row per series, resolution and bucket. NaN is stored as NULL (SQLite has no NaN). resets is the sum of the values
-- before each drop inside the bucket, so increase = last - first + resets and two partials merge exactly.
CREATE TABLE rollups (
    series_id     INTEGER NOT NULL,
    resolution_ms INTEGER NOT NULL,
    bucket_ms     INTEGER NOT NULL,
    min           REAL,
    max           REAL,
    sum           REAL,
    count         INTEGER NOT NULL,
    first         REAL,
    first_ms      INTEGER NOT NULL,
    last          REAL,
    last_ms       INTEGER NOT NULL,
    resets        REAL,
    PRIMARY KEY (series_id, resolution_ms, bucket_ms)
) WITHOUT ROWID;

CREATE TABLE positions (
    name    TEXT PRIMARY KEY,
    address INTEGER NOT NULL
);
