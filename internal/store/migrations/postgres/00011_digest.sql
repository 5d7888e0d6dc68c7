-- The digest email: each user's choice of a weekly or monthly digest per
-- workspace, and what the digest's email needs of the loop's emails (a
-- kind of its own, an unsubscribe link, inline images). PostgreSQL
-- edition; migrations/sqlite/00011_digest.sql is its equivalent.

-- +goose Up

-- digest_subscriptions hold a user's digest of one workspace, for as long
-- as the membership lasts. next_at is when the next one is due (NULL for
-- none); the task that sends digests advances it in the transaction that
-- queues the email, so a digest is written once however many processes
-- look. token is the secret of the one-click unsubscribe link; the row
-- stays when the user unsubscribes, so that the link keeps answering.
CREATE TABLE digest_subscriptions (
    workspace_id bigint NOT NULL,
    user_id      bigint NOT NULL,
    frequency    text NOT NULL CHECK (frequency IN ('none', 'weekly', 'monthly')),
    next_at      timestamptz,
    last_sent_at timestamptz,
    token        text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id),
    CHECK ((frequency = 'none') = (next_at IS NULL))
);
CREATE INDEX digest_subscriptions_due ON digest_subscriptions (next_at) WHERE next_at IS NOT NULL;

-- notifications get the kind 'digest' and the unsubscribe link of the
-- List-Unsubscribe header.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('alert', 'escalation', 'update', 'thanks', 'digest'));
ALTER TABLE notifications ADD COLUMN unsubscribe_url text NOT NULL DEFAULT '';

-- notification_images are the inline images of an email (a digest's
-- trend chart as PNG), kept with it so that the queued email is complete
-- and is sent the same after a restart.
CREATE TABLE notification_images (
    workspace_id    bigint NOT NULL,
    notification_id bigint NOT NULL,
    cid             text NOT NULL CHECK (length(cid) BETWEEN 1 AND 200),
    content_type    text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    data            bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 2097152),
    PRIMARY KEY (notification_id, cid),
    FOREIGN KEY (workspace_id, notification_id) REFERENCES notifications (workspace_id, id)
);

-- +goose Down
DROP TABLE notification_images;
DELETE FROM notifications WHERE kind = 'digest';
ALTER TABLE notifications DROP COLUMN unsubscribe_url;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('alert', 'escalation', 'update', 'thanks'));
DROP TABLE digest_subscriptions;
