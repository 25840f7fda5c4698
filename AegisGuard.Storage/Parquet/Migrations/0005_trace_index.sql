-- The trace-id index kept by the trace follower (Parquet/Traces/TraceSummaryFollower): for every trace, the ingest log
-- addresses of the records (batches) that carried its spans. A span row keeps its source_address through compaction, so
-- "the files whose address range holds one of these addresses" finds a trace's files exactly, fresh or compacted,
-- without listing every file of its days; within a file the rows are sorted by trace id, so row-group statistics
-- prune the rest. Derived data only, like the summaries: a trace summarised before this migration has no rows here,
-- and trace by id falls back to the files of the trace's time range for it.
CREATE TABLE trace_addresses (
    org_id   INTEGER NOT NULL,
    trace_id TEXT    NOT NULL,      -- lower-case, as in trace_summaries
    address  INTEGER NOT NULL,      -- a source_address holding at least one span of the trace
    PRIMARY KEY (org_id, trace_id, address),
    FOREIGN KEY (org_id, trace_id) REFERENCES trace_summaries (org_id, trace_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- Finding the files that hold an address (and the files past a watermark) without reading the whole file list.
CREATE INDEX files_by_next_address ON files (signal, org_id, next_address);
