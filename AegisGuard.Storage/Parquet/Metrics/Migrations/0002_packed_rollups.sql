-- Rollups packed: one row per series, resolution and chunk (1 m buckets in 1 h chunks, 5 m in 6 h, 1 h in 1 day; no
-- chunk crosses a UTC midnight), the chunk's buckets in one BLOB of fixed-width little-endian records (RollupChunk.cs).
-- One row per bucket made a 24 h query read 138,720 rows cell by cell (issue #11); this reads a few thousand BLOBs.
--
-- The old rows are not converted: catalog.db is derived data, so the old table goes and the follower's watermark is
-- reset, and the follower rebuilds the rollups from the Parquet files. That re-follow is harmless to what stays:
-- series are found by (org, key) and only widen their first/last seen, label rows are INSERT OR IGNORE, and day rows
-- keep the newest sample (MetricCatalog.Apply). Until it has caught up, rollup reads recompute the buckets of the rows
-- it has not passed from raw samples (ParquetMetricStore.SelectRollupsAsync), so answers stay the same meanwhile.
DROP TABLE rollups;

CREATE TABLE rollup_chunks (
    series_id     INTEGER NOT NULL,
    resolution_ms INTEGER NOT NULL,
    chunk_ms      INTEGER NOT NULL,  -- start of the chunk: a multiple of its span (so of the resolution) since 1970
    present       INTEGER NOT NULL,  -- buckets in the BLOB: the query limit sums it without decoding
    buckets       BLOB    NOT NULL,
    PRIMARY KEY (series_id, resolution_ms, chunk_ms)
);
-- A rowid table, not WITHOUT ROWID: its leaf pages keep a row of up to ~4 KB inline (a 1 h chunk of 1 m buckets is
-- 3.7 KB) where an index b-tree spills anything past ~1 KB to overflow pages.

DELETE FROM positions WHERE name = 'followed';
