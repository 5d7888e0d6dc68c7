-- What erasure needs to find every copy of a person's data, SQLite
-- edition; migrations/postgres/00014_erasure.sql is its equivalent.

-- +goose Up

-- A delivery's subject is its event's: the response, alert or plan it is
-- about (which one, its kind says). Events are pruned a week after they
-- are processed, while deliveries and their payloads stay; erasure finds
-- the payloads about a person by this column. Older deliveries take it
-- from their event, or, once that is gone, from the payload itself.
ALTER TABLE webhook_deliveries ADD COLUMN subject_id INTEGER;
UPDATE webhook_deliveries SET subject_id = COALESCE(
    (SELECT e.subject_id FROM events e WHERE webhook_deliveries.idempotency_key = 'evt_' || e.id || '_' || webhook_deliveries.endpoint_id),
    CASE WHEN json_valid(payload) THEN COALESCE(json_extract(payload, '$.Data.response.id'),
        json_extract(payload, '$.Data.alert.id'), json_extract(payload, '$.Data.plan.id')) END);
CREATE INDEX webhook_deliveries_subject ON webhook_deliveries (workspace_id, subject_id);

-- The full-text index of comments forgets an erased comment's terms at
-- once, instead of when its segments are next merged (the connection's
-- secure_delete pragma zeroes the freed space of every table, see
-- dialect.go). Segments written before are merged now, which drops the
-- terms of comments erased earlier.
INSERT INTO response_search (response_search, rank) VALUES ('secure-delete', 1);
INSERT INTO response_search (response_search) VALUES ('optimize');

-- +goose Down
INSERT INTO response_search (response_search, rank) VALUES ('secure-delete', 0);
DROP INDEX webhook_deliveries_subject;
ALTER TABLE webhook_deliveries DROP COLUMN subject_id;
