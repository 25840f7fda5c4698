-- Per-trace summaries kept by the trace follower (Parquet/Traces/TraceSummaryFollower) from the span rows the files list.
-- Search reads these instead of assembling traces; trace-by-id reads the time range here to pick its files.
-- Derived data only: a rebuilt manifest starts them empty and the follower fills them again from the files.
CREATE TABLE trace_summaries (
    org_id         INTEGER NOT NULL,
    trace_id       TEXT    NOT NULL,      -- lower-case, as searched
    start_us       INTEGER NOT NULL,      -- earliest span start, unix microseconds
    end_us         INTEGER NOT NULL,      -- latest span end
    last_start_us  INTEGER NOT NULL,      -- latest span start (files are listed by span start)
    duration_us    INTEGER NOT NULL,      -- end_us - start_us
    span_count     INTEGER NOT NULL,      -- distinct span ids
    error_count    INTEGER NOT NULL,
    root_service   TEXT    NOT NULL,
    root_operation TEXT    NOT NULL,
    root_missing   INTEGER NOT NULL,      -- 1 when no span without a parent was seen (root named after the earliest span)
    services       TEXT    NOT NULL,      -- JSON array of service names, sorted
    PRIMARY KEY (org_id, trace_id)
);
CREATE INDEX trace_summaries_by_start ON trace_summaries (org_id, start_us);
CREATE INDEX trace_summaries_by_duration ON trace_summaries (org_id, duration_us);

-- Which (service, operation) pairs a trace holds: what search by service and operation checks.
CREATE TABLE trace_operations (
    org_id      INTEGER NOT NULL,
    trace_id    TEXT    NOT NULL,
    service     TEXT    NOT NULL,
    operation   TEXT    NOT NULL,
    span_count  INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    PRIMARY KEY (org_id, trace_id, service, operation),
    FOREIGN KEY (org_id, trace_id) REFERENCES trace_summaries (org_id, trace_id) ON DELETE CASCADE
);

-- The follower's watermark: every span row with source_address below it is in the summaries. Moved in the same
-- transaction as the summaries it covers.
CREATE TABLE trace_follower (
    name    TEXT PRIMARY KEY,
    address INTEGER NOT NULL
);
