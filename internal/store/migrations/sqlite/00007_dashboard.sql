-- The dashboard, SQLite edition; migrations/postgres/00007_dashboard.sql is
-- its equivalent.

-- +goose Up

-- score_accounts is score_rollup summed over months, per survey, wave and
-- account: the rows that per-account and per-segment figures of a wave
-- read, twelve times fewer than score_rollup holds for a yearly wave. It
-- changes with score_rollup, in the same transaction.
CREATE TABLE score_accounts (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    survey_id    INTEGER NOT NULL,
    wave_id      INTEGER NOT NULL,
    account_id   INTEGER NOT NULL,
    s0  INTEGER NOT NULL DEFAULT 0 CHECK (s0 >= 0),
    s1  INTEGER NOT NULL DEFAULT 0 CHECK (s1 >= 0),
    s2  INTEGER NOT NULL DEFAULT 0 CHECK (s2 >= 0),
    s3  INTEGER NOT NULL DEFAULT 0 CHECK (s3 >= 0),
    s4  INTEGER NOT NULL DEFAULT 0 CHECK (s4 >= 0),
    s5  INTEGER NOT NULL DEFAULT 0 CHECK (s5 >= 0),
    s6  INTEGER NOT NULL DEFAULT 0 CHECK (s6 >= 0),
    s7  INTEGER NOT NULL DEFAULT 0 CHECK (s7 >= 0),
    s8  INTEGER NOT NULL DEFAULT 0 CHECK (s8 >= 0),
    s9  INTEGER NOT NULL DEFAULT 0 CHECK (s9 >= 0),
    s10 INTEGER NOT NULL DEFAULT 0 CHECK (s10 >= 0),
    PRIMARY KEY (workspace_id, survey_id, wave_id, account_id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
) WITHOUT ROWID;
INSERT INTO score_accounts (workspace_id, survey_id, wave_id, account_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
SELECT workspace_id, survey_id, wave_id, account_id,
       SUM(s0), SUM(s1), SUM(s2), SUM(s3), SUM(s4), SUM(s5), SUM(s6), SUM(s7), SUM(s8), SUM(s9), SUM(s10)
FROM score_rollup GROUP BY workspace_id, survey_id, wave_id, account_id;

-- The language of the signed-in pages the user chose; '' follows the
-- browser.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- Manual tags on responses, per workspace.
CREATE TABLE response_tags (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    response_id  INTEGER NOT NULL,
    tag          TEXT NOT NULL CHECK (tag <> ''),
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (response_id, tag),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);
CREATE INDEX response_tags_tag ON response_tags (workspace_id, tag, response_id);

-- Sector figures the team entered to compare the workspace's NPS with.
CREATE TABLE benchmarks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL CHECK (name <> ''),
    nps          REAL NOT NULL CHECK (nps BETWEEN -100 AND 100),
    low          REAL CHECK (low BETWEEN -100 AND 100),
    high         REAL CHECK (high BETWEEN -100 AND 100),
    n            INTEGER CHECK (n > 0),
    source       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id)
);
CREATE INDEX benchmarks_workspace ON benchmarks (workspace_id, name);

-- The responses feed pages by (created_at, id) from the newest, within a
-- wave or over all; the accounts table reads each account's last answer.
DROP INDEX responses_wave_created;
DROP INDEX responses_account;
CREATE INDEX responses_feed ON responses (workspace_id, created_at, id);
CREATE INDEX responses_wave_feed ON responses (workspace_id, wave_id, created_at, id);
CREATE INDEX responses_account ON responses (workspace_id, account_id, created_at);
-- Breakdowns by contact attribute read a wave's named answers from this
-- index alone (contacts are not in the rollup).
CREATE INDEX responses_wave_contacts ON responses (workspace_id, wave_id, contact_id, account_id, score) WHERE contact_id IS NOT NULL;

-- Full-text search in comments: an FTS5 index of responses.comment kept
-- in step by triggers. The Porter stemmer serves English; Dutch words are
-- found by prefix (the feed searches every word as a prefix) and without
-- diacritics.
CREATE VIRTUAL TABLE response_search USING fts5 (
    comment, content = 'responses', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO response_search (rowid, comment) SELECT id, comment FROM responses WHERE comment <> '';
-- +goose StatementBegin
CREATE TRIGGER responses_search_insert AFTER INSERT ON responses WHEN new.comment <> '' BEGIN
    INSERT INTO response_search (rowid, comment) VALUES (new.id, new.comment);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER responses_search_delete AFTER DELETE ON responses WHEN old.comment <> '' BEGIN
    INSERT INTO response_search (response_search, rowid, comment) VALUES ('delete', old.id, old.comment);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER responses_search_update AFTER UPDATE OF comment ON responses BEGIN
    INSERT INTO response_search (response_search, rowid, comment) SELECT 'delete', old.id, old.comment WHERE old.comment <> '';
    INSERT INTO response_search (rowid, comment) SELECT new.id, new.comment WHERE new.comment <> '';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER responses_search_update;
DROP TRIGGER responses_search_delete;
DROP TRIGGER responses_search_insert;
DROP TABLE response_search;
DROP INDEX responses_wave_contacts;
DROP INDEX responses_account;
DROP INDEX responses_wave_feed;
DROP INDEX responses_feed;
CREATE INDEX responses_account ON responses (workspace_id, account_id);
CREATE INDEX responses_wave_created ON responses (workspace_id, wave_id, created_at);
DROP TABLE benchmarks;
DROP TABLE response_tags;
ALTER TABLE users DROP COLUMN language;
DROP TABLE score_accounts;
