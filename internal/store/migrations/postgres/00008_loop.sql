-- The closed loop, PostgreSQL edition; migrations/sqlite/00008_loop.sql is
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
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    kind         text NOT NULL CHECK (kind IN ('response.created', 'response.updated', 'alert.created', 'plan.changed', 'followup.overdue')),
    subject_id   bigint NOT NULL,
    created_at   timestamptz NOT NULL,
    processed_at timestamptz
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
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id      bigint NOT NULL REFERENCES workspaces (id),
    name              text NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('score', 'drop', 'keyword', 'silent')),
    max_score         integer NOT NULL DEFAULT 0 CHECK (max_score BETWEEN 0 AND 10),
    min_drop          integer NOT NULL DEFAULT 0 CHECK (min_drop BETWEEN 0 AND 10),
    keywords          text NOT NULL DEFAULT '',
    silent_months     integer NOT NULL DEFAULT 0 CHECK (silent_months >= 0),
    min_revenue_cents bigint NOT NULL DEFAULT 0 CHECK (min_revenue_cents >= 0),
    followup_days     integer NOT NULL DEFAULT 2 CHECK (followup_days BETWEEN 0 AND 30),
    active            boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
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
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    rule_id      bigint NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('score', 'drop', 'keyword', 'silent')),
    reason       text NOT NULL,
    response_id  bigint,
    account_id   bigint,
    contact_id   bigint,
    owner_id     bigint,
    state        text NOT NULL CHECK (state IN ('open', 'contacted', 'closed')),
    due_at       timestamptz,
    contacted_at timestamptz,
    contacted_by bigint REFERENCES users (id),
    note         text NOT NULL DEFAULT '',
    escalated_at timestamptz,
    history      text NOT NULL DEFAULT '[]',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
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
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    url          text NOT NULL,
    format       text NOT NULL CHECK (format IN ('promotor', 'slack', 'teams')),
    secret       text NOT NULL,
    events       text NOT NULL,
    description  text NOT NULL DEFAULT '',
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    UNIQUE (workspace_id, id)
);

-- webhook_deliveries are one event for one endpoint: the event as built
-- when it happened (payload, JSON), its idempotency key, and where its
-- delivery stands. The job queue makes the attempts; each is logged in
-- webhook_attempts. A replay (replay set, state pending again) sends the
-- same payload under the same key.
CREATE TABLE webhook_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id    bigint NOT NULL REFERENCES workspaces (id),
    endpoint_id     bigint NOT NULL,
    kind            text NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    payload         text NOT NULL,
    state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_status     integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    replay          boolean NOT NULL DEFAULT false,
    job             boolean NOT NULL DEFAULT false,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, endpoint_id) REFERENCES webhook_endpoints (workspace_id, id)
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (workspace_id, endpoint_id, id);
-- The deliveries that wait for a job of the queue (job: it has one).
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (id) WHERE state = 'pending' AND NOT job;

CREATE TABLE webhook_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    delivery_id  bigint NOT NULL,
    status       integer NOT NULL DEFAULT 0,
    error        text NOT NULL DEFAULT '',
    response     text NOT NULL DEFAULT '',
    duration_ms  integer NOT NULL DEFAULT 0,
    replay       boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, delivery_id) REFERENCES webhook_deliveries (workspace_id, id)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- notifications are the loop's emails (an alert to the owner, an
-- escalation, a progress update to a customer's contact, a thank-you to
-- a promoter), written out when decided and sent by the job queue.
CREATE TABLE notifications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    kind         text NOT NULL CHECK (kind IN ('alert', 'escalation', 'update', 'thanks')),
    subject_id   bigint NOT NULL,
    account_id   bigint,
    to_email     text NOT NULL,
    to_name      text NOT NULL DEFAULT '',
    subject      text NOT NULL,
    text_body    text NOT NULL,
    html_body    text NOT NULL,
    state        text NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error        text NOT NULL DEFAULT '',
    message_id   text NOT NULL DEFAULT '',
    job          boolean NOT NULL DEFAULT false,
    sent_at      timestamptz,
    created_at   timestamptz NOT NULL,
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
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    account_id   bigint NOT NULL,
    title        text NOT NULL,
    problem      text NOT NULL DEFAULT '',
    state        text NOT NULL CHECK (state IN ('open', 'done')),
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    done_at      timestamptz,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
CREATE INDEX plans_account ON plans (workspace_id, account_id, created_at);

CREATE TABLE plan_responses (
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    plan_id      bigint NOT NULL,
    response_id  bigint NOT NULL,
    PRIMARY KEY (plan_id, response_id),
    FOREIGN KEY (workspace_id, plan_id) REFERENCES plans (workspace_id, id),
    FOREIGN KEY (workspace_id, response_id) REFERENCES responses (workspace_id, id)
);

-- plan_items are a plan's actions (owner, due date, status), notes and
-- links; shareable ones appear on the customer's page.
CREATE TABLE plan_items (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    plan_id      bigint NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('action', 'note', 'link', 'update')),
    body         text NOT NULL,
    url          text NOT NULL DEFAULT '',
    owner_id     bigint,
    due_on       text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT '' CHECK (status IN ('', 'todo', 'doing', 'done')),
    shareable    boolean NOT NULL DEFAULT false,
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    done_at      timestamptz,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, plan_id) REFERENCES plans (workspace_id, id)
);
CREATE INDEX plan_items_plan ON plan_items (workspace_id, plan_id, id);

-- account_pages hold the unguessable token of each account's customer
-- page ("you said, we did"); a new token replaces the old one.
CREATE TABLE account_pages (
    account_id   bigint PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    token        text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);

-- promoter_actions record what was done for a promoter, one of the eight
-- tips or a request for a referral or review.
CREATE TABLE promoter_actions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id bigint NOT NULL REFERENCES workspaces (id),
    contact_id   bigint NOT NULL,
    account_id   bigint,
    response_id  bigint,
    kind         text NOT NULL CHECK (kind IN ('thank', 'reward', 'exclusive', 'transparency', 'personalise', 'surprise', 'knowledge', 'community', 'referral_request', 'review_request')),
    note         text NOT NULL DEFAULT '',
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL,
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
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id        bigint NOT NULL REFERENCES workspaces (id),
    referrer_account_id bigint NOT NULL,
    referrer_contact_id bigint,
    referred_account_id bigint NOT NULL,
    note                text NOT NULL DEFAULT '',
    thanked_at          timestamptz,
    created_by          bigint REFERENCES users (id),
    created_at          timestamptz NOT NULL,
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
