-- Insight: themes and sentiment of comments, the switching intent, and
-- revenue per account and year. PostgreSQL edition;
-- migrations/sqlite/00009_insight.sql is its equivalent.

-- +goose Up

-- The workspace's theme taxonomy as JSON ('' is the default taxonomy);
-- taxonomy_version grows with every change. The analyse-comments task
-- analyses the answers in insight_queue (every new or changed answer is
-- queued in its own transaction, with its revision) and, while
-- insight_sweep_after is not NULL, every response of the workspace in ID
-- order after it: a changed taxonomy sets it to 0. The workspaces that
-- exist when this migration runs have their responses swept once.
ALTER TABLE workspaces ADD COLUMN taxonomy text NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN taxonomy_version integer NOT NULL DEFAULT 1 CHECK (taxonomy_version >= 1);
ALTER TABLE workspaces ADD COLUMN insight_sweep_after bigint CHECK (insight_sweep_after >= 0);
UPDATE workspaces SET insight_sweep_after = 0;

CREATE TABLE insight_queue (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    response_id  bigint NOT NULL,
    revision     integer NOT NULL,
    PRIMARY KEY (workspace_id, response_id),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);

-- What the analysis counted for a response with a comment or a switching
-- answer: the rollups below hold exactly these rows, so a new analysis
-- takes away what the old one added.
CREATE TABLE response_insight (
    workspace_id    bigint NOT NULL REFERENCES workspaces (id),
    response_id     bigint NOT NULL PRIMARY KEY,
    survey_id       bigint NOT NULL,
    wave_id         bigint NOT NULL,
    account_id      bigint NOT NULL,
    score           integer NOT NULL CHECK (score BETWEEN 0 AND 10),
    intent          text NOT NULL CHECK (intent IN ('', 'yes', 'no', 'unsure')),
    sentiment       text NOT NULL CHECK (sentiment IN ('', 'positive', 'neutral', 'negative')),
    sentiment_score double precision NOT NULL DEFAULT 0 CHECK (sentiment_score BETWEEN -1 AND 1),
    language        text NOT NULL DEFAULT '',
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);

-- The feed filters by sentiment; suggested themes read a wave's newest
-- comments.
CREATE INDEX response_insight_sentiment ON response_insight (workspace_id, sentiment, response_id);
CREATE INDEX response_insight_wave ON response_insight (workspace_id, wave_id, response_id);

-- The themes found in a response's comment.
CREATE TABLE response_themes (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    response_id  bigint NOT NULL,
    theme        text NOT NULL CHECK (theme <> ''),
    PRIMARY KEY (response_id, theme),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);
CREATE INDEX response_themes_theme ON response_themes (workspace_id, theme, response_id);

-- The 11-bucket histogram per survey, wave, theme and account (0 for
-- none) of the responses whose comment mentions the theme: per account,
-- so that a member's figures cover the member's own accounts.
CREATE TABLE theme_rollup (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    wave_id      bigint NOT NULL,
    theme        text NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, theme, account_id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
);

-- The histogram per survey, wave, account (0 for none), switching answer
-- ('' when not answered) and comment sentiment ('' without a comment) of
-- the analysed responses: the commented responses, the loyalty matrix and
-- each account's switching intent.
CREATE TABLE insight_rollup (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    wave_id      bigint NOT NULL,
    account_id   bigint NOT NULL,
    intent       text NOT NULL,
    sentiment    text NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, account_id, intent, sentiment),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
);

-- theme_rollup and insight_rollup summed over accounts, per survey and
-- wave: the few rows the workspace-wide pages read, however many accounts
-- answer. They change with the per-account tables.
CREATE TABLE theme_totals (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    wave_id      bigint NOT NULL,
    theme        text NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, theme),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
);

CREATE TABLE insight_totals (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    wave_id      bigint NOT NULL,
    intent       text NOT NULL,
    sentiment    text NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, intent, sentiment),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
);

-- An account's revenue per calendar year, imported; accounts.
-- annual_revenue_cents stays the latest year's.
CREATE TABLE account_revenue (
    workspace_id  bigint NOT NULL REFERENCES workspaces (id),
    account_id    bigint NOT NULL,
    year          integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    revenue_cents bigint NOT NULL CHECK (revenue_cents >= 0),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, account_id, year),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
CREATE INDEX account_revenue_year ON account_revenue (workspace_id, year);

-- +goose Down
DROP TABLE account_revenue;
DROP TABLE insight_totals;
DROP TABLE theme_totals;
DROP TABLE insight_rollup;
DROP TABLE theme_rollup;
DROP TABLE response_themes;
DROP TABLE response_insight;
DROP TABLE insight_queue;
ALTER TABLE workspaces DROP COLUMN insight_sweep_after;
ALTER TABLE workspaces DROP COLUMN taxonomy_version;
ALTER TABLE workspaces DROP COLUMN taxonomy;
