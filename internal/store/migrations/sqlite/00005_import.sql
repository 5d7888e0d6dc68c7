-- The import's table, SQLite edition; migrations/postgres/00005_import.sql
-- is its equivalent.

-- +goose Up

-- import_mappings remember, per workspace and kind of import, which column
-- of a file fills which field, so that the next file from the same CRM
-- export is mapped the same way. mapping is a JSON object of field names
-- (or "attr:" and an attribute's name) to header names.
CREATE TABLE import_mappings (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT NOT NULL CHECK (kind IN ('accounts', 'contacts', 'responses')),
    mapping      TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, kind)
) WITHOUT ROWID;
