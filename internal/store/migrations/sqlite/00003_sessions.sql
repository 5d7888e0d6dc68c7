-- Sign-in sessions, SQLite edition; migrations/postgres/00003_sessions.sql
-- is its equivalent.

-- +goose Up

-- A session is a signed-in browser. secret_hash is the hex SHA-256 of the
-- random cookie secret (auth.HashSessionSecret); the secret itself is
-- never stored, so a leaked table signs nobody in. expires_at is the
-- absolute end of the session; it also ends when last_seen_at is older
-- than the idle timeout (auth.SessionIdleTimeout). Sessions belong to a
-- user, not a workspace: the URL chooses the workspace and the membership
-- decides the role.
CREATE TABLE sessions (
    secret_hash  TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
-- For the removal of ended sessions.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
