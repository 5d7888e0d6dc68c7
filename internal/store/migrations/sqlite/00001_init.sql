-- The initial schema, SQLite edition; migrations/postgres/00001_init.sql is
-- its equivalent. Every table of customer data carries workspace_id, and
-- references between them include it, so that a row can only point at
-- rows of its own workspace. Times are UTC. Optional text is '' (not
-- NULL); optional references and times are NULL.

-- +goose Up
CREATE TABLE workspaces (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    retention_days INTEGER NOT NULL DEFAULT 0 CHECK (retention_days >= 0),
    fatigue_days   INTEGER NOT NULL DEFAULT 0 CHECK (fatigue_days >= 0),
    created_at     TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL CHECK (role IN ('owner', 'analyst', 'member', 'viewer')),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id         INTEGER NOT NULL REFERENCES workspaces (id),
    external_id          TEXT NOT NULL DEFAULT '',
    name                 TEXT NOT NULL,
    owner_id             INTEGER,
    industry             TEXT NOT NULL DEFAULT '',
    region               TEXT NOT NULL DEFAULT '',
    size                 TEXT NOT NULL DEFAULT '',
    attributes           TEXT NOT NULL DEFAULT '{}',
    annual_revenue_cents INTEGER NOT NULL DEFAULT 0 CHECK (annual_revenue_cents >= 0),
    status               TEXT NOT NULL CHECK (status IN ('active', 'churned')),
    churned_at           TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES memberships (workspace_id, user_id)
);
CREATE UNIQUE INDEX accounts_external_id ON accounts (workspace_id, external_id) WHERE external_id <> '';
CREATE INDEX accounts_owner ON accounts (workspace_id, owner_id);
CREATE INDEX accounts_name ON accounts (workspace_id, name);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    account_id   INTEGER,
    external_id  TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT '',
    attributes   TEXT NOT NULL DEFAULT '{}',
    consent_at   TIMESTAMP,
    opted_out_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
-- Emails are stored lower-case (nps.NormalizeEmail), so this unique index
-- is the case-insensitive one on lower(email), computed the same way on
-- both databases.
CREATE UNIQUE INDEX contacts_email ON contacts (workspace_id, email) WHERE email <> '';
CREATE UNIQUE INDEX contacts_external_id ON contacts (workspace_id, external_id) WHERE external_id <> '';
CREATE INDEX contacts_account ON contacts (workspace_id, account_id);

CREATE TABLE surveys (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id),
    name             TEXT NOT NULL,
    default_language TEXT NOT NULL,
    anonymous        BOOLEAN NOT NULL DEFAULT FALSE,
    -- questions and texts per language, JSON: {"questions": …, "texts": …}
    content          TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id)
);

CREATE TABLE waves (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    survey_id    INTEGER NOT NULL,
    name         TEXT NOT NULL,
    opens_at     TIMESTAMP NOT NULL,
    closes_at    TIMESTAMP,
    population   INTEGER CHECK (population > 0),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, survey_id) REFERENCES surveys (workspace_id, id)
);
CREATE INDEX waves_survey ON waves (workspace_id, survey_id, opens_at);

CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces (id),
    wave_id        INTEGER NOT NULL,
    contact_id     INTEGER NOT NULL,
    token          TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'bounced', 'opened', 'responded', 'opted_out')),
    reminder_count INTEGER NOT NULL DEFAULT 0 CHECK (reminder_count >= 0),
    sent_at        TIMESTAMP,
    delivered_at   TIMESTAMP,
    bounced_at     TIMESTAMP,
    opened_at      TIMESTAMP,
    responded_at   TIMESTAMP,
    opted_out_at   TIMESTAMP,
    reminded_at    TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    UNIQUE (wave_id, contact_id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX invitations_wave_status ON invitations (workspace_id, wave_id, status);
CREATE INDEX invitations_contact ON invitations (workspace_id, contact_id);

-- A response is the latest answer of one respondent in one wave: one per
-- invitation and one per contact and wave. Its earlier versions are in
-- response_revisions. month (yyyymm of created_at) is its key in
-- score_rollup, stored so that a change updates exactly the cell that
-- counted it.
CREATE TABLE responses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
    survey_id     INTEGER NOT NULL,
    wave_id       INTEGER NOT NULL,
    invitation_id INTEGER,
    contact_id    INTEGER,
    account_id    INTEGER,
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment       TEXT NOT NULL DEFAULT '',
    answers       TEXT NOT NULL DEFAULT '{}',
    language      TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'link', 'api', 'import')),
    revision      INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    month         INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, survey_id) REFERENCES surveys (workspace_id, id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id),
    FOREIGN KEY (workspace_id, invitation_id) REFERENCES invitations (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
CREATE UNIQUE INDEX responses_invitation ON responses (invitation_id) WHERE invitation_id IS NOT NULL;
CREATE UNIQUE INDEX responses_wave_contact ON responses (wave_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX responses_wave_created ON responses (workspace_id, wave_id, created_at);
CREATE INDEX responses_account ON responses (workspace_id, account_id);

CREATE TABLE response_revisions (
    workspace_id INTEGER NOT NULL,
    response_id  INTEGER NOT NULL,
    revision     INTEGER NOT NULL,
    score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment      TEXT NOT NULL,
    answers      TEXT NOT NULL,
    language     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    answered_at  TIMESTAMP NOT NULL,
    replaced_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (response_id, revision),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);

-- score_rollup holds the 11-bucket histogram (s0 … s10) of the responses
-- per survey, wave, account (0 for none) and month (yyyymm), kept in step
-- with responses in the same transaction, so that dashboard aggregates sum
-- a few rows per group instead of scanning responses. WITHOUT ROWID keeps
-- each workspace's cells together in key order.
CREATE TABLE score_rollup (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    survey_id    INTEGER NOT NULL,
    wave_id      INTEGER NOT NULL,
    account_id   INTEGER NOT NULL,
    month        INTEGER NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, account_id, month),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
) WITHOUT ROWID;

-- score_totals is score_rollup summed over accounts, per survey, wave and
-- month: the few rows that trends and totals read, so that they stay fast
-- however many accounts answer. It changes with score_rollup.
CREATE TABLE score_totals (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    survey_id    INTEGER NOT NULL,
    wave_id      INTEGER NOT NULL,
    month        INTEGER NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, month),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
) WITHOUT ROWID;
