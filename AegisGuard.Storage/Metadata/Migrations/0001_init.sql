-- Organisations: every user, key and telemetry row belongs to exactly one.
CREATE TABLE orgs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    slug              TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,                  -- unix milliseconds
    pii_mode          TEXT    NOT NULL DEFAULT 'redact', -- redact | hash
    pii_key           TEXT    NOT NULL,                  -- protected key for deterministic PII hashing
    ingest_rate_limit INTEGER NOT NULL DEFAULT 0,        -- events per second; 0 = the appliance default
    retention_days    INTEGER NOT NULL DEFAULT 30
);

-- API keys: the id is the public x-org-key; the secret is needed for HMAC, so it is stored encrypted.
CREATE TABLE api_keys (
    id                     TEXT    PRIMARY KEY,          -- obs_…
    org_id                 INTEGER NOT NULL REFERENCES orgs (id),
    name                   TEXT    NOT NULL,
    scopes                 TEXT    NOT NULL,             -- comma separated: ingest,read
    secret_protected       TEXT    NOT NULL,
    created_at             INTEGER NOT NULL,
    created_by             TEXT,
    revoked_at             INTEGER,
    last_used_at           INTEGER,
    previous_secret        TEXT,                         -- still valid until previous_expires_at (rotation)
    previous_expires_at    INTEGER
);
CREATE INDEX api_keys_by_org ON api_keys (org_id);

-- Idempotency records of accepted batches (kept 24 h).
CREATE TABLE idempotency (
    org_id      INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    signal      TEXT    NOT NULL,
    body_sha256 TEXT    NOT NULL,
    batch_id    TEXT    NOT NULL,
    accepted    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,                        -- unix milliseconds
    PRIMARY KEY (org_id, key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
