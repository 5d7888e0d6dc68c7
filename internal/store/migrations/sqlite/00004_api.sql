-- The REST API's tables, SQLite edition; migrations/postgres/00004_api.sql
-- is its equivalent.

-- +goose Up

-- api_tokens are the workspaces' API credentials. secret_hash is the hex
-- SHA-256 of the secret (nps.HashAPISecret), which is never stored: a
-- request's token is found by this unique index. created_by is NULL for a
-- token made by the CLI.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    UNIQUE (workspace_id, id)
);

-- idempotency_keys remember the answer to a request sent with an
-- Idempotency-Key, written in the transaction of the responses it
-- recorded, so that a retry replays the answer instead of recording twice.
-- request_hash is the hex SHA-256 of the request body, which must match on
-- a retry. Keys expire after a day; the index on created_at lets the
-- insert of a new key delete the expired ones of its workspace cheaply.
CREATE TABLE idempotency_keys (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (workspace_id, created_at);
