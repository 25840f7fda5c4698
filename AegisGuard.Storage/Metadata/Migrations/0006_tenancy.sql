-- Tenancy a person can run (issue #8): instance administrators and invitations.

-- An instance administrator runs the appliance (creates orgs, invites into any org, sees appliance-wide health),
-- apart from any role in an org, like Grafana's server admin.
ALTER TABLE users ADD COLUMN instance_admin INTEGER NOT NULL DEFAULT 0;

-- The first-start admin of an appliance that existed before this migration is its instance administrator, as a
-- fresh appliance's is (UserService.EnsureFirstAdmin).
UPDATE users SET instance_admin = 1 WHERE email = 'admin@aegis.local';

-- An invitation to join an org with a role. Nobody is added before the invitee accepts with the one-time token,
-- which is stored only as its SHA-256 (like refresh tokens): a copy of meta.db does not let anyone join.
CREATE TABLE invitations (
    id          TEXT    PRIMARY KEY,                    -- inv_… (shown in lists, used to revoke)
    token_hash  TEXT    NOT NULL UNIQUE,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    email       TEXT    NOT NULL COLLATE NOCASE,
    role        TEXT    NOT NULL,                       -- OWNER | ADMIN | USER | VIEWER
    invited_by  TEXT    NOT NULL,                       -- e-mail of the inviter, or cli
    created_at  INTEGER NOT NULL,                       -- unix milliseconds
    expires_at  INTEGER NOT NULL,
    accepted_at INTEGER,
    accepted_by INTEGER REFERENCES users (id),
    revoked_at  INTEGER
);
CREATE INDEX invitations_by_org ON invitations (org_id, created_at);
