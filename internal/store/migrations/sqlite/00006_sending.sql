-- Sending invitations by email, SQLite edition;
-- migrations/postgres/00006_sending.sql is its equivalent.

-- +goose Up

-- A send mails a wave's invitations to an audience, from scheduled_at on,
-- per_minute at most, with up to max_reminders reminders reminder_days
-- after the last message to whoever has not answered. Its recipients are
-- chosen when it starts (state scheduled → sending), and what was left
-- out is counted then.
CREATE TABLE sends (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces (id),
    wave_id           INTEGER NOT NULL,
    audience          TEXT NOT NULL CHECK (audience IN ('all', 'segment', 'silent')),
    audience_field    TEXT NOT NULL DEFAULT '',
    audience_value    TEXT NOT NULL DEFAULT '',
    audience_months   INTEGER NOT NULL DEFAULT 0 CHECK (audience_months >= 0),
    scheduled_at      TIMESTAMP NOT NULL,
    per_minute        INTEGER NOT NULL CHECK (per_minute > 0),
    reminder_days     INTEGER NOT NULL DEFAULT 0 CHECK (reminder_days >= 0),
    max_reminders     INTEGER NOT NULL DEFAULT 0 CHECK (max_reminders >= 0),
    state             TEXT NOT NULL CHECK (state IN ('scheduled', 'sending', 'cancelled')),
    recipients        INTEGER NOT NULL DEFAULT 0,
    skipped_opted_out INTEGER NOT NULL DEFAULT 0,
    skipped_fatigue   INTEGER NOT NULL DEFAULT 0,
    skipped_invited   INTEGER NOT NULL DEFAULT 0,
    skipped_no_email  INTEGER NOT NULL DEFAULT 0,
    created_by        INTEGER REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    started_at        TIMESTAMP,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, wave_id) REFERENCES waves (workspace_id, id)
);
CREATE INDEX sends_due ON sends (scheduled_at) WHERE state = 'scheduled';
CREATE INDEX sends_wave ON sends (workspace_id, wave_id);

-- messages is the outbox: one row per email of an invitation, seq 0 the
-- invitation itself and 1, 2, … its reminders. A sender claims due rows by
-- setting state 'sending', a random claim and a lease; it marks each row
-- sent (or failed, or queued again for a later attempt) once the SMTP
-- server has answered. A row whose lease ran out is claimed again, so a
-- sender that died loses nothing, and only the messages it had in flight
-- can go out twice. not_before spaces the messages of a send at its pace.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
    send_id       INTEGER NOT NULL,
    invitation_id INTEGER NOT NULL,
    seq           INTEGER NOT NULL CHECK (seq >= 0),
    state         TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    not_before    TIMESTAMP NOT NULL,
    lease_until   TIMESTAMP,
    claim         TEXT NOT NULL DEFAULT '',
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error         TEXT NOT NULL DEFAULT '',
    message_id    TEXT NOT NULL DEFAULT '',
    sent_at       TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (invitation_id, seq),
    FOREIGN KEY (workspace_id, send_id) REFERENCES sends (workspace_id, id),
    FOREIGN KEY (workspace_id, invitation_id) REFERENCES invitations (workspace_id, id)
);
CREATE INDEX messages_due ON messages (not_before) WHERE state = 'queued';
CREATE INDEX messages_leased ON messages (lease_until) WHERE state = 'sending';
CREATE INDEX messages_send ON messages (workspace_id, send_id, state);
-- A send's invitations in order, for its page of deliveries.
CREATE INDEX messages_send_invitation ON messages (send_id, invitation_id);
CREATE INDEX messages_sent ON messages (send_id, seq, sent_at) WHERE state = 'sent';

-- The answers of a contact: the silent-audience check of contacts without
-- an account, and the erasure of a contact's data.
CREATE INDEX responses_contact ON responses (workspace_id, contact_id);
