-- The report: a workspace's branding, the comments chosen for a wave's
-- report, and the read-only links that share a report. PostgreSQL
-- edition; migrations/sqlite/00010_report.sql is its equivalent.

-- +goose Up

-- A workspace's colours on its reports and digests, '#rrggbb' or '' for
-- Promotor's own: brand_colour for headings and rules, accent_colour for
-- highlights. In agency mode every client is a workspace of its own, so
-- every client has its own.
ALTER TABLE workspaces ADD COLUMN brand_colour text NOT NULL DEFAULT '' CHECK (brand_colour ~ '^(#[0-9a-f]{6})?$');
ALTER TABLE workspaces ADD COLUMN accent_colour text NOT NULL DEFAULT '' CHECK (accent_colour ~ '^(#[0-9a-f]{6})?$');

-- A workspace's logo, a PNG or JPEG of at most 512 KiB.
CREATE TABLE workspace_logos (
    workspace_id bigint PRIMARY KEY REFERENCES workspaces (id),
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    data         bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 524288),
    updated_at   timestamptz NOT NULL
);

-- The comments an analyst chose to quote in a wave's report, in order.
CREATE TABLE report_verbatims (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    wave_id      bigint NOT NULL,
    response_id  bigint NOT NULL,
    position     integer NOT NULL CHECK (position >= 0),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, wave_id, response_id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);
CREATE INDEX report_verbatims_response ON report_verbatims (workspace_id, response_id);

-- A read-only link to a wave's report. The link carries a random token;
-- only its SHA-256 is kept, so the database alone opens no report. A
-- link works until expires_at, or until revoked_at.
CREATE TABLE report_links (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    wave_id      bigint NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    lang         text NOT NULL CHECK (lang IN ('nl', 'en')),
    anonymise    boolean NOT NULL DEFAULT FALSE,
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
);
CREATE INDEX report_links_wave ON report_links (workspace_id, wave_id);

-- +goose Down
DROP TABLE report_links;
DROP TABLE report_verbatims;
DROP TABLE workspace_logos;
ALTER TABLE workspaces DROP COLUMN accent_colour;
ALTER TABLE workspaces DROP COLUMN brand_colour;
