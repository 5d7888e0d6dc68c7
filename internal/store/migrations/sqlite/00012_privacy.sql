-- Privacy: the audit log, the suppression list of erased contacts who had
-- opted out, the retention period in months and the mark of an erased
-- contact. SQLite edition; migrations/postgres/00012_privacy.sql is its
-- equivalent.

-- +goose Up

-- audit_log is who did what, when and from where. An entry is written in
-- the transaction of the change it records and never changed; only
-- workspace deletion and the retention task delete entries. An entry
-- about a user rather than a workspace (a sign-in) has no workspace_id and
-- names the user in user_id: the owners of each workspace the user is a
-- member of read it through memberships. Users are never deleted, so
-- user_id needs no foreign key; actor_user_id and actor_token_id are
-- snapshots with actor_name, kept when the token is revoked.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id   INTEGER REFERENCES workspaces (id),
    user_id        INTEGER,
    at             TIMESTAMP NOT NULL,
    actor_kind     TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'cli', 'system')),
    actor_user_id  INTEGER,
    actor_token_id INTEGER,
    actor_name     TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 50),
    subject        TEXT NOT NULL DEFAULT '',
    client_ip      TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '',
    CHECK (workspace_id IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id) WHERE workspace_id IS NOT NULL;
CREATE INDEX audit_log_user ON audit_log (user_id, id) WHERE workspace_id IS NULL;
CREATE INDEX audit_log_at ON audit_log (at);

-- suppressions keep a one-way hash of the email of each erased contact
-- who had opted out, so that an import of the same address later makes an
-- opted-out contact instead of one that is mailed again.
CREATE TABLE suppressions (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    email_hash   TEXT NOT NULL CHECK (length(email_hash) = 64),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, email_hash)
) WITHOUT ROWID;

-- erased_at marks a contact whose personal data was erased: the row stays
-- so that the scores of their responses keep their account and history.
ALTER TABLE contacts ADD COLUMN erased_at TIMESTAMP;

-- The retention period is set in months; no screen ever set the days.
ALTER TABLE workspaces ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 0
    CHECK (retention_months = 0 OR retention_months BETWEEN 6 AND 120);
UPDATE workspaces SET retention_months = min(max((retention_days + 29) / 30, 6), 120) WHERE retention_days > 0;
ALTER TABLE workspaces DROP COLUMN retention_days;

-- +goose Down
ALTER TABLE workspaces ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0;
UPDATE workspaces SET retention_days = retention_months * 30;
ALTER TABLE workspaces DROP COLUMN retention_months;
ALTER TABLE contacts DROP COLUMN erased_at;
DROP TABLE suppressions;
DROP TABLE audit_log;
