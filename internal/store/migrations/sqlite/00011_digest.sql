-- The digest email: each user's choice of a weekly or monthly digest per
-- workspace, and what the digest's email needs of the loop's emails (a
-- kind of its own, an unsubscribe link, inline images). SQLite edition;
-- migrations/postgres/00011_digest.sql is its equivalent.

-- +goose Up

-- digest_subscriptions hold a user's digest of one workspace, for as long
-- as the membership lasts. next_at is when the next one is due (NULL for
-- none); the task that sends digests advances it in the transaction that
-- queues the email, so a digest is written once however many processes
-- look. token is the secret of the one-click unsubscribe link; the row
-- stays when the user unsubscribes, so that the link keeps answering.
CREATE TABLE digest_subscriptions (
    workspace_id INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    frequency    TEXT NOT NULL CHECK (frequency IN ('none', 'weekly', 'monthly')),
    next_at      TIMESTAMP,
    last_sent_at TIMESTAMP,
    token        TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id),
    CHECK ((frequency = 'none') = (next_at IS NULL))
) WITHOUT ROWID;
CREATE INDEX digest_subscriptions_due ON digest_subscriptions (next_at) WHERE next_at IS NOT NULL;

-- notifications get the kind 'digest' and the unsubscribe link of the
-- List-Unsubscribe header. SQLite cannot change a CHECK constraint, so
-- the table is made anew and its rows, ID sequence and indexes carried
-- over; no table refers to it.
CREATE TABLE notifications_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    kind            TEXT NOT NULL CHECK (kind IN ('alert', 'escalation', 'update', 'thanks', 'digest')),
    subject_id      INTEGER NOT NULL,
    account_id      INTEGER,
    to_email        TEXT NOT NULL,
    to_name         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    unsubscribe_url TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error           TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL DEFAULT '',
    job             BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at         TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
INSERT INTO notifications_new (id, workspace_id, kind, subject_id, account_id, to_email, to_name, subject,
        text_body, html_body, state, attempts, error, message_id, job, sent_at, created_at)
    SELECT id, workspace_id, kind, subject_id, account_id, to_email, to_name, subject,
        text_body, html_body, state, attempts, error, message_id, job, sent_at, created_at
    FROM notifications;
-- The sequence goes on from the old table's, so that no ID of a deleted
-- email is handed out again.
DELETE FROM sqlite_sequence WHERE name = 'notifications_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'notifications_new', seq FROM sqlite_sequence WHERE name = 'notifications';
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_subject ON notifications (workspace_id, kind, subject_id);
CREATE INDEX notifications_waiting ON notifications (id) WHERE state = 'queued' AND NOT job;
CREATE INDEX notifications_account ON notifications (workspace_id, account_id, created_at);

-- notification_images are the inline images of an email (a digest's
-- trend chart as PNG), kept with it so that the queued email is complete
-- and is sent the same after a restart.
CREATE TABLE notification_images (
    workspace_id    INTEGER NOT NULL,
    notification_id INTEGER NOT NULL,
    cid             TEXT NOT NULL CHECK (length(cid) BETWEEN 1 AND 200),
    content_type    TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    data            BLOB NOT NULL CHECK (length(data) BETWEEN 1 AND 2097152),
    PRIMARY KEY (notification_id, cid),
    FOREIGN KEY (workspace_id, notification_id) REFERENCES notifications (workspace_id, id)
);

-- +goose Down
DROP TABLE notification_images;
DELETE FROM notifications WHERE kind = 'digest';
CREATE TABLE notifications_old (
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
INSERT INTO notifications_old (id, workspace_id, kind, subject_id, account_id, to_email, to_name, subject,
        text_body, html_body, state, attempts, error, message_id, job, sent_at, created_at)
    SELECT id, workspace_id, kind, subject_id, account_id, to_email, to_name, subject,
        text_body, html_body, state, attempts, error, message_id, job, sent_at, created_at
    FROM notifications;
DELETE FROM sqlite_sequence WHERE name = 'notifications_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'notifications_old', seq FROM sqlite_sequence WHERE name = 'notifications';
DROP TABLE notifications;
ALTER TABLE notifications_old RENAME TO notifications;
CREATE INDEX notifications_subject ON notifications (workspace_id, kind, subject_id);
CREATE INDEX notifications_waiting ON notifications (id) WHERE state = 'queued' AND NOT job;
CREATE INDEX notifications_account ON notifications (workspace_id, account_id, created_at);
DROP TABLE digest_subscriptions;
