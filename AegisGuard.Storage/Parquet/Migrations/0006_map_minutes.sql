-- Per-minute service-map aggregates kept by the trace follower (Parquet/Traces/TraceSummaryFollower, MapContribution):
-- node rows (callee = '') per (org, minute of the span's start, service) and edge rows per (org, minute of the child's
-- start, caller service, callee service). Counts are exact; latencies are mergeable log-bucket sketches (LatencySketch,
-- ≤ 1 % relative error) so any set of minutes is read by merging. Written in the same transaction as the follower's
-- watermark, as the delta of each touched trace's contribution. Derived data only: dropping the table and the
-- watermark rebuilds it.
CREATE TABLE map_minutes (
    org_id         INTEGER NOT NULL,
    minute         INTEGER NOT NULL,  -- unix minutes (start µs / 60,000,000, floored)
    caller         TEXT    NOT NULL,  -- the service of a node row; the caller of an edge row
    callee         TEXT    NOT NULL,  -- '' for a node row; the callee of an edge row
    spans          INTEGER NOT NULL,  -- node: spans; edge: calls
    requests       INTEGER NOT NULL,  -- node: entry spans; edge: 0
    request_errors INTEGER NOT NULL,  -- node: entry spans with status error; edge: 0
    errors         INTEGER NOT NULL,  -- spans (calls) with status error
    entry_sketch   BLOB,              -- latencies of the entry spans (nodes only)
    all_sketch     BLOB,              -- latencies of every span (call)
    PRIMARY KEY (org_id, minute, caller, callee)
) WITHOUT ROWID;

-- A manifest whose follower already passed its spans before this table existed: follow them again from the start, so
-- the aggregates hold every listed span. Recomputing the summaries and the trace-id index from the same spans gives the
-- same rows (upserts and INSERT OR IGNORE), and at watermark 0 no trace has spans below it to subtract.
UPDATE trace_follower SET address = 0 WHERE name = 'summaries';
