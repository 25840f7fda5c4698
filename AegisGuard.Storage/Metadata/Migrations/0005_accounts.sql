-- Sign-in throttling an attacker cannot turn against the owner, and sessions a user can see (issue #8, accounts).

-- Failed sign-ins per (client address, e-mail), existing account or not. This is the throttle most attempts meet:
-- it slows one address guessing one account without locking the account for anyone else. The account-wide count in
-- login_failures stays as the last resort at a much higher threshold.
CREATE TABLE login_pair_failures (
    email         TEXT    NOT NULL COLLATE NOCASE,
    address       TEXT    NOT NULL,
    failures      INTEGER NOT NULL,           -- in a row, since the last success or ended block
    last_failure  INTEGER NOT NULL,           -- unix milliseconds
    blocked_until INTEGER,                    -- unix milliseconds, or NULL while not blocked
    PRIMARY KEY (email, address)
);
CREATE INDEX login_pair_failures_by_age ON login_pair_failures (last_failure);

-- Where each refresh token was issued to, so a user can tell their sessions apart (GET /api/auth/sessions).
ALTER TABLE refresh_tokens ADD COLUMN ip         TEXT;
ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT;

-- The token this one was exchanged for (NULL for a sign-in): a used token whose successors are all unused is the
-- family's latest rotation, the only one the refresh reuse interval lets through again.
ALTER TABLE refresh_tokens ADD COLUMN parent_hash TEXT;
