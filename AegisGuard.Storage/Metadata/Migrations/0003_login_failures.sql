-- Failed sign-ins per e-mail (existing account or not), so an account lockout survives a restart.
CREATE TABLE login_failures (
    email        TEXT PRIMARY KEY COLLATE NOCASE,
    failures     INTEGER NOT NULL,           -- in a row, since the last success or expired lock
    last_failure INTEGER NOT NULL,           -- unix milliseconds
    locked_until INTEGER                     -- unix milliseconds, or NULL when not locked
);
CREATE INDEX login_failures_by_age ON login_failures (last_failure);
