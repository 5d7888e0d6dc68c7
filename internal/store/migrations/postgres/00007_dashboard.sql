-- The dashboard, PostgreSQL edition; migrations/sqlite/00007_dashboard.sql
-- is its equivalent.

-- +goose Up

-- score_accounts is score_rollup summed over months, per survey, wave and
-- account: the rows that per-account and per-segment figures of a wave
-- read, twelve times fewer than score_rollup holds for a yearly wave. It
-- changes with score_rollup, in the same transaction.
CREATE TABLE score_accounts (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    wave_id      bigint NOT NULL,
    account_id   bigint NOT NULL,
    s0  integer NOT NULL DEFAULT 0 CHECK (s0 >= 0),
    s1  integer NOT NULL DEFAULT 0 CHECK (s1 >= 0),
    s2  integer NOT NULL DEFAULT 0 CHECK (s2 >= 0),
    s3  integer NOT NULL DEFAULT 0 CHECK (s3 >= 0),
    s4  integer NOT NULL DEFAULT 0 CHECK (s4 >= 0),
    s5  integer NOT NULL DEFAULT 0 CHECK (s5 >= 0),
    s6  integer NOT NULL DEFAULT 0 CHECK (s6 >= 0),
    s7  integer NOT NULL DEFAULT 0 CHECK (s7 >= 0),
    s8  integer NOT NULL DEFAULT 0 CHECK (s8 >= 0),
    s9  integer NOT NULL DEFAULT 0 CHECK (s9 >= 0),
    s10 integer NOT NULL DEFAULT 0 CHECK (s10 >= 0),
    PRIMARY KEY (workspace_id, survey_id, wave_id, account_id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
) WITH (fillfactor = 80);
INSERT INTO score_accounts (workspace_id, survey_id, wave_id, account_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
SELECT workspace_id, survey_id, wave_id, account_id,
       SUM(s0), SUM(s1), SUM(s2), SUM(s3), SUM(s4), SUM(s5), SUM(s6), SUM(s7), SUM(s8), SUM(s9), SUM(s10)
FROM score_rollup GROUP BY workspace_id, survey_id, wave_id, account_id;

-- The language of the signed-in pages the user chose; '' follows the
-- browser.
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT '';

-- Manual tags on responses, per workspace.
CREATE TABLE response_tags (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    response_id  bigint NOT NULL,
    tag          text NOT NULL CHECK (tag <> ''),
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (response_id, tag),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);
CREATE INDEX response_tags_tag ON response_tags (workspace_id, tag, response_id);

-- Sector figures the team entered to compare the workspace's NPS with.
CREATE TABLE benchmarks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    name         text NOT NULL CHECK (name <> ''),
    nps          double precision NOT NULL CHECK (nps BETWEEN -100 AND 100),
    low          double precision CHECK (low BETWEEN -100 AND 100),
    high         double precision CHECK (high BETWEEN -100 AND 100),
    n            bigint CHECK (n > 0),
    source       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
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

-- Full-text search in comments: the comment's words, stemmed by the Dutch
-- or English text search configuration of the response's language, kept
-- in a column so that checking a row costs no parsing (the feed walks the
-- newest responses when a word is common) and ANALYZE knows how common
-- each word is (so the planner can choose between that walk and the
-- index).
ALTER TABLE responses ADD COLUMN search tsvector GENERATED ALWAYS AS (
    CASE WHEN comment = '' THEN NULL
    ELSE to_tsvector(CASE WHEN language LIKE 'nl%' THEN 'dutch'::regconfig ELSE 'english'::regconfig END, comment) END
) STORED;
CREATE INDEX responses_search ON responses USING gin (search) WHERE search IS NOT NULL;

-- +goose Down
DROP INDEX responses_search;
ALTER TABLE responses DROP COLUMN search;
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
