-- The closed loop, SQLite edition; migrations/postgres/00008_loop.sql is
-- its equivalent: events, alert rules and the follow-ups they open,
-- webhooks, improvement plans and their customer page, loop emails and
-- the promoter programme.

-- +goose Up

-- events is what happened, in order: a response created or changed, an
-- alert, a plan changed, a follow-up overdue. One task at a time works
-- the pending ones (processed_at NULL): it judges responses against the
-- alert rules and hands each event to the workspace's webhooks, in the
-- transaction that marks it processed. Imports write no events.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT NOT NULL CHECK (kind IN ('response.created', 'response.updated', 'alert.created', 'plan.changed', 'followup.overdue')),
    subject_id   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    processed_at TIMESTAMP
);
CREATE INDEX events_pending ON events (id) WHERE processed_at IS NULL;
CREATE INDEX events_processed ON events (processed_at) WHERE processed_at IS NOT NULL;

-- alert_rules say which answers call for the account owner: a score at
-- or below max_score, a drop of at least min_drop points from the same
-- contact's previous answer, a keyword of keywords (one per line) in the
-- comment, or a key account (annual revenue at least min_revenue_cents)
-- silent for silent_months. followup_days is the deadline of the
-- follow-up an alert opens, in working days; 0 opens none.
CREATE TABLE alert_rules (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces (id),
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('score', 'drop', 'keyword', 'silent')),
    max_score         INTEGER NOT NULL DEFAULT 0 CHECK (max_score BETWEEN 0 AND 10),
    min_drop          INTEGER NOT NULL DEFAULT 0 CHECK (min_drop BETWEEN 0 AND 10),
    keywords          TEXT NOT NULL DEFAULT '',
    silent_months     INTEGER NOT NULL DEFAULT 0 CHECK (silent_months >= 0),
    min_revenue_cents INTEGER NOT NULL DEFAULT 0 CHECK (min_revenue_cents >= 0),
    followup_days     INTEGER NOT NULL DEFAULT 2 CHECK (followup_days BETWEEN 0 AND 30),
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id)
);

-- alerts are the rules' findings, at most one per response (its reasons
-- name every rule it met) and one open per rule and silent account. An
-- alert with a due_at is a follow-up: open until the owner records the
-- first contact with the customer (contacted_at) or closes it; past due
-- it is overdue and, once, escalated to the workspace's owners.
-- history is what people did with it (JSON: a list of {at, action,
-- user_id, note}: contacted, closed, reopened).
CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    rule_id      INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('score', 'drop', 'keyword', 'silent')),
    reason       TEXT NOT NULL,
    response_id  INTEGER,
    account_id   INTEGER,
    contact_id   INTEGER,
    owner_id     INTEGER,
    state        TEXT NOT NULL CHECK (state IN ('open', 'contacted', 'closed')),
    due_at       TIMESTAMP,
    contacted_at TIMESTAMP,
    contacted_by INTEGER REFERENCES users (id),
    note         TEXT NOT NULL DEFAULT '',
    escalated_at TIMESTAMP,
    history      TEXT NOT NULL DEFAULT '[]',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, rule_id) REFERENCES alert_rules (workspace_id, id),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE UNIQUE INDEX alerts_response ON alerts (response_id) WHERE response_id IS NOT NULL;
CREATE INDEX alerts_workspace ON alerts (workspace_id, created_at);
CREATE INDEX alerts_account ON alerts (workspace_id, account_id, created_at);
CREATE INDEX alerts_due ON alerts (due_at) WHERE state = 'open' AND due_at IS NOT NULL;

-- webhook_endpoints receive the workspace's events of the listed kinds
-- (space-separated), signed with secret, in format.
CREATE TABLE webhook_endpoints (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    url          TEXT NOT NULL,
    format       TEXT NOT NULL CHECK (format IN ('promotor', 'slack', 'teams')),
    secret       TEXT NOT NULL,
    events       TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id)
);

-- webhook_deliveries are one event for one endpoint: the event as built
-- when it happened (payload, JSON), its idempotency key, and where its
-- delivery stands. The job queue makes the attempts; each is logged in
-- webhook_attempts. A replay (replay set, state pending again) sends the
-- same payload under the same key.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    endpoint_id     INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    replay          BOOLEAN NOT NULL DEFAULT FALSE,
    job             BOOLEAN NOT NULL DEFAULT FALSE,
    delivered_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, endpoint_id) REFERENCES webhook_endpoints (workspace_id, id)
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (workspace_id, endpoint_id, id);
-- The deliveries that wait for a job of the queue (job: it has one).
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (id) WHERE state = 'pending' AND NOT job;

CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    delivery_id  INTEGER NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    response     TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    replay       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL,
    FOREIGN KEY (workspace_id, delivery_id) REFERENCES webhook_deliveries (workspace_id, id)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- notifications are the loop's emails (an alert to the owner, an
-- escalation, a progress update to a customer's contact, a thank-you to
-- a promoter), written out when decided and sent by the job queue.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT NOT NULL CHECK (kind IN ('alert', 'escalation', 'update', 'thanks')),
    subject_id   INTEGER NOT NULL,
    account_id   INTEGER,
    to_email     TEXT NOT NULL,
    to_name      TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL,
    text_body    TEXT NOT NULL,
    html_body    TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error        TEXT NOT NULL DEFAULT '',
    message_id   TEXT NOT NULL DEFAULT '',
    job          BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at      TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
CREATE INDEX notifications_subject ON notifications (workspace_id, kind, subject_id);
CREATE INDEX notifications_waiting ON notifications (id) WHERE state = 'queued' AND NOT job;
CREATE INDEX notifications_account ON notifications (workspace_id, account_id, created_at);

-- plans are improvement plans made with a customer: the problem in its
-- words (plan_responses link the answers), the agreed actions, notes,
-- links, and the progress updates the customer is shown.
CREATE TABLE plans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    account_id   INTEGER NOT NULL,
    title        TEXT NOT NULL,
    problem      TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('open', 'done')),
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
CREATE INDEX plans_account ON plans (workspace_id, account_id, created_at);

CREATE TABLE plan_responses (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    plan_id      INTEGER NOT NULL,
    response_id  INTEGER NOT NULL,
    PRIMARY KEY (plan_id, response_id),
    FOREIGN KEY (workspace_id, plan_id) REFERENCES plans (workspace_id, id),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);

-- plan_items are a plan's actions (owner, due date, status), notes and
-- links; shareable ones appear on the customer's page.
CREATE TABLE plan_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    plan_id      INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('action', 'note', 'link', 'update')),
    body         TEXT NOT NULL,
    url          TEXT NOT NULL DEFAULT '',
    owner_id     INTEGER,
    due_on       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '' CHECK (status IN ('', 'todo', 'doing', 'done')),
    shareable    BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, plan_id) REFERENCES plans (workspace_id, id)
);
CREATE INDEX plan_items_plan ON plan_items (workspace_id, plan_id, id);

-- account_pages hold the unguessable token of each account's customer
-- page ("you said, we did"); a new token replaces the old one.
CREATE TABLE account_pages (
    account_id   INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    token        TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);

-- promoter_actions record what was done for a promoter, one of the eight
-- tips or a request for a referral or review.
CREATE TABLE promoter_actions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    contact_id   INTEGER NOT NULL,
    account_id   INTEGER,
    response_id  INTEGER,
    kind         TEXT NOT NULL CHECK (kind IN ('thank', 'reward', 'exclusive', 'transparency', 'personalise', 'surprise', 'knowledge', 'community', 'referral_request', 'review_request')),
    note         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);
CREATE INDEX promoter_actions_contact ON promoter_actions (workspace_id, contact_id, created_at);
CREATE INDEX promoter_actions_account ON promoter_actions (workspace_id, account_id, created_at);

-- referrals say which account (and contact) brought in which new
-- account, and whether the referrer was thanked.
CREATE TABLE referrals (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (id),
    referrer_account_id INTEGER NOT NULL,
    referrer_contact_id INTEGER,
    referred_account_id INTEGER NOT NULL,
    note                TEXT NOT NULL DEFAULT '',
    thanked_at          TIMESTAMP,
    created_by          INTEGER REFERENCES users (id),
    created_at          TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    UNIQUE (workspace_id, referred_account_id),
    CHECK (referrer_account_id <> referred_account_id),
    FOREIGN KEY (workspace_id, referrer_account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, referrer_contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, referred_account_id) REFERENCES accounts (workspace_id, id)
);
CREATE INDEX referrals_referrer ON referrals (workspace_id, referrer_account_id);

-- +goose Down
DROP TABLE referrals;
DROP TABLE promoter_actions;
DROP TABLE account_pages;
DROP TABLE plan_items;
DROP TABLE plan_responses;
DROP TABLE plans;
DROP TABLE notifications;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE alerts;
DROP TABLE alert_rules;
DROP TABLE events;
