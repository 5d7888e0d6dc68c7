-- The initial schema, PostgreSQL edition; migrations/sqlite/00001_init.sql
-- is its equivalent. Every table of customer data carries workspace_id, and
-- references between them include it, so that a row can only point at
-- rows of its own workspace. Times are UTC. Optional text is '' (not
-- NULL); optional references and times are NULL.

-- +goose Up
CREATE TABLE workspaces (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug           text NOT NULL UNIQUE,
    name           text NOT NULL,
    retention_days integer NOT NULL DEFAULT 0 CHECK (retention_days >= 0),
    fatigue_days   integer NOT NULL DEFAULT 0 CHECK (fatigue_days >= 0),
    created_at     timestamptz NOT NULL
);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    name          text NOT NULL DEFAULT '',
    password_hash text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL
);

CREATE TABLE memberships (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    user_id      bigint NOT NULL REFERENCES users (id),
    role         text NOT NULL CHECK (role IN ('owner', 'analyst', 'member', 'viewer')),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE accounts (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id         bigint NOT NULL REFERENCES workspaces (id),
    external_id          text NOT NULL DEFAULT '',
    name                 text NOT NULL,
    owner_id             bigint,
    industry             text NOT NULL DEFAULT '',
    region               text NOT NULL DEFAULT '',
    size                 text NOT NULL DEFAULT '',
    attributes           jsonb NOT NULL DEFAULT '{}',
    annual_revenue_cents bigint NOT NULL DEFAULT 0 CHECK (annual_revenue_cents >= 0),
    status               text NOT NULL CHECK (status IN ('active', 'churned')),
    churned_at           timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES memberships (workspace_id, user_id)
);
CREATE UNIQUE INDEX accounts_external_id ON accounts (workspace_id, external_id) WHERE external_id <> '';
CREATE INDEX accounts_owner ON accounts (workspace_id, owner_id);
CREATE INDEX accounts_name ON accounts (workspace_id, name);

CREATE TABLE contacts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    account_id   bigint,
    external_id  text NOT NULL DEFAULT '',
    email        text NOT NULL DEFAULT '',
    name         text NOT NULL DEFAULT '',
    language     text NOT NULL DEFAULT '',
    attributes   jsonb NOT NULL DEFAULT '{}',
    consent_at   timestamptz,
    opted_out_at timestamptz,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
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
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id     bigint NOT NULL REFERENCES workspaces (id),
    name             text NOT NULL,
    default_language text NOT NULL,
    anonymous        boolean NOT NULL DEFAULT false,
    -- questions and texts per language, JSON: {"questions": …, "texts": …}
    content          jsonb NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    UNIQUE (workspace_id, id)
);

CREATE TABLE waves (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    name         text NOT NULL,
    opens_at     timestamptz NOT NULL,
    closes_at    timestamptz,
    population   bigint CHECK (population > 0),
    created_at   timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, survey_id) REFERENCES surveys (workspace_id, id)
);
CREATE INDEX waves_survey ON waves (workspace_id, survey_id, opens_at);

CREATE TABLE invitations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id   bigint NOT NULL REFERENCES workspaces (id),
    wave_id        bigint NOT NULL,
    contact_id     bigint NOT NULL,
    token          text NOT NULL UNIQUE,
    status         text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'bounced', 'opened', 'responded', 'opted_out')),
    reminder_count integer NOT NULL DEFAULT 0 CHECK (reminder_count >= 0),
    sent_at        timestamptz,
    delivered_at   timestamptz,
    bounced_at     timestamptz,
    opened_at      timestamptz,
    responded_at   timestamptz,
    opted_out_at   timestamptz,
    reminded_at    timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
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
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  bigint NOT NULL REFERENCES workspaces (id),
    survey_id     bigint NOT NULL,
    wave_id       bigint NOT NULL,
    invitation_id bigint,
    contact_id    bigint,
    account_id    bigint,
    score         integer NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment       text NOT NULL DEFAULT '',
    answers       jsonb NOT NULL DEFAULT '{}',
    language      text NOT NULL,
    channel       text NOT NULL CHECK (channel IN ('email', 'link', 'api', 'import')),
    revision      integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
    month         integer NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
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
    workspace_id bigint NOT NULL,
    response_id  bigint NOT NULL,
    revision     integer NOT NULL,
    score        integer NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment      text NOT NULL,
    answers      jsonb NOT NULL,
    language     text NOT NULL,
    channel      text NOT NULL,
    answered_at  timestamptz NOT NULL,
    replaced_at  timestamptz NOT NULL,
    PRIMARY KEY (response_id, revision),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);

-- score_rollup holds the 11-bucket histogram (s0 … s10) of the responses
-- per survey, wave, account (0 for none) and month (yyyymm), kept in step
-- with responses in the same transaction, so that dashboard aggregates sum
-- a few rows per group instead of scanning responses. The fill factor
-- leaves room on each page for updates that touch no index (HOT).
CREATE TABLE score_rollup (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    wave_id      bigint NOT NULL,
    account_id   bigint NOT NULL,
    month        integer NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, account_id, month),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
) WITH (fillfactor = 80);

-- score_totals is score_rollup summed over accounts, per survey, wave and
-- month: the few rows that trends and totals read, so that they stay fast
-- however many accounts answer. It changes with score_rollup.
CREATE TABLE score_totals (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    survey_id    bigint NOT NULL,
    wave_id      bigint NOT NULL,
    month        integer NOT NULL,
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
    PRIMARY KEY (workspace_id, survey_id, wave_id, month),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
) WITH (fillfactor = 80);
