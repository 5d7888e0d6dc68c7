-- The REST API's tables, PostgreSQL edition; migrations/sqlite/00004_api.sql
-- is its equivalent.

-- +goose Up

-- api_tokens are the workspaces' API credentials. secret_hash is the hex
-- SHA-256 of the secret (nps.HashAPISecret), which is never stored: a
-- request's token is found by this unique index. created_by is NULL for a
-- token made by the CLI.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    name         text NOT NULL,
    prefix       text NOT NULL,
    secret_hash  text NOT NULL UNIQUE,
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    UNIQUE (workspace_id, id)
);

-- idempotency_keys remember the answer to a request sent with an
-- Idempotency-Key, written in the transaction of the responses it
-- recorded, so that a retry replays the answer instead of recording twice.
-- request_hash is the hex SHA-256 of the request body, which must match on
-- a retry. Keys expire after a day; the index on created_at lets the
-- insert of a new key delete the expired ones of its workspace cheaply.
CREATE TABLE idempotency_keys (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (workspace_id, created_at);
