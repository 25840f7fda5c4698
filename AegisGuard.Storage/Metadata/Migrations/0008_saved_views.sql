-- Saved views of the Logs explorer (issue #10): a query, a time range and the columns shown, kept per user and,
-- when shared, offered to everyone of the org. Every read and write names the org, so an id of another org is
-- simply not found.
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    name        TEXT    NOT NULL,
    query       TEXT    NOT NULL,
    range       TEXT,                                   -- a preset such as 1h (relative), or NULL for range_from..range_to
    range_from  INTEGER,                                -- unix milliseconds, with range NULL
    range_to    INTEGER,
    columns     TEXT    NOT NULL DEFAULT '[]',          -- JSON array of field names shown as columns
    shared      INTEGER NOT NULL DEFAULT 0,             -- 1: every member of the org sees it
    created_at  INTEGER NOT NULL,                       -- unix milliseconds
    updated_at  INTEGER NOT NULL
);
CREATE INDEX saved_views_by_org ON saved_views (org_id, shared, owner_id);
