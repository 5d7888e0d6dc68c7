-- The import's table, PostgreSQL edition; migrations/sqlite/00005_import.sql
-- is its equivalent.

-- +goose Up

-- import_mappings remember, per workspace and kind of import, which column
-- of a file fills which field, so that the next file from the same CRM
-- export is mapped the same way. mapping is a JSON object of field names
-- (or "attr:" and an attribute's name) to header names.
CREATE TABLE import_mappings (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    kind         text NOT NULL CHECK (kind IN ('accounts', 'contacts', 'responses')),
    mapping      jsonb NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, kind)
);
