-- Identity, sessions and audit (issue #3).

-- Org security settings beside the existing ones.
ALTER TABLE orgs ADD COLUMN ip_allowlist TEXT    NOT NULL DEFAULT '';  -- comma-separated CIDR ranges; empty = allow all
ALTER TABLE orgs ADD COLUMN require_mfa  INTEGER NOT NULL DEFAULT 0;   -- 1: members must enrol MFA before anything else

-- People. An e-mail is one person across orgs; what they may do is per membership.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    email                TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash        TEXT    NOT NULL,               -- self-describing Argon2id string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)
    must_change_password INTEGER NOT NULL DEFAULT 0,
    mfa_secret           TEXT,                           -- protected TOTP secret once MFA is on
    mfa_pending_secret   TEXT,                           -- protected TOTP secret between setup and enable
    mfa_last_step        INTEGER,                        -- last TOTP time step used to sign in (no replays)
    created_at           INTEGER NOT NULL,               -- unix milliseconds
    password_changed_at  INTEGER
);

CREATE TABLE memberships (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    role       TEXT    NOT NULL,                         -- OWNER | ADMIN | USER | VIEWER
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_by_org ON memberships (org_id);

-- One-time MFA recovery codes, stored as SHA-256 (they are long random strings, not passwords).
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT    NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

-- Browser refresh tokens, stored hashed. A family is one sign-in; every refresh adds a row and marks the
-- presented one used. Presenting a used token again revokes the whole family.
CREATE TABLE refresh_tokens (
    token_hash TEXT    PRIMARY KEY,
    family_id  TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);

-- Appliance secrets that must survive restarts (e.g. the session signing key), protected by the key ring.
CREATE TABLE secrets (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- The audit log: append-only and hash-chained. hash = SHA-256 over the entry's canonical fields and prev_hash,
-- so an edited, deleted or reordered row breaks the chain (AegisGuard audit verify).
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,                      -- 1, 2, 3 … without gaps
    at         INTEGER NOT NULL,                         -- unix milliseconds
    actor      TEXT    NOT NULL,                         -- user e-mail, key id, cli or system
    org_id     INTEGER,
    action     TEXT    NOT NULL,
    target     TEXT,
    ip         TEXT,
    user_agent TEXT,
    outcome    TEXT    NOT NULL,                         -- success | failure | denied
    details    TEXT    NOT NULL,                         -- JSON object, never secrets
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);
CREATE INDEX audit_log_by_org ON audit_log (org_id, seq);

-- A second guard behind the code (which has no UPDATE or DELETE path): the database refuses both.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
