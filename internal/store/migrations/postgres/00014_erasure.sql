-- What erasure needs to find every copy of a person's data, PostgreSQL
-- edition; migrations/sqlite/00014_erasure.sql is its equivalent.

-- +goose Up

-- A delivery's subject is its event's: the response, alert or plan it is
-- about (which one, its kind says). Events are pruned a week after they
-- are processed, while deliveries and their payloads stay; erasure finds
-- the payloads about a person by this column. Older deliveries take it
-- from their event, or, once that is gone, from the payload itself
-- (read with a pattern, which cannot fail on a payload that is not JSON,
-- as a cast would; the loop writes it compact, as encoding/json does).
ALTER TABLE webhook_deliveries ADD COLUMN subject_id bigint;
UPDATE webhook_deliveries SET subject_id = COALESCE(
    (SELECT e.subject_id FROM events e WHERE webhook_deliveries.idempotency_key = 'evt_' || e.id || '_' || webhook_deliveries.endpoint_id),
    substring(payload FROM '"Data":\{"(?:response|alert|plan)":\{"id":([0-9]{1,18})[,}]')::bigint);
CREATE INDEX webhook_deliveries_subject ON webhook_deliveries (workspace_id, subject_id);

-- SQLite's edition also makes its full-text index forget erased comments
-- at once; PostgreSQL's is a generated column of responses, rewritten
-- with the row, and VACUUM reclaims the old versions.

-- +goose Down
DROP INDEX webhook_deliveries_subject;
ALTER TABLE webhook_deliveries DROP COLUMN subject_id;
