package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// IdempotencyTTL is how long a workspace's Idempotency-Key is remembered:
// a retry within it replays the first answer, a key older than it may be
// used again.
const IdempotencyTTL = 24 * time.Hour

// maxIdempotencyKey is the longest key accepted, in bytes.
const maxIdempotencyKey = 255

// StoredAnswer is the answer given to the first request made with an
// Idempotency-Key, kept to be replayed to its retries.
type StoredAnswer struct {
	Status int
	Body   []byte
}

// CheckIdempotencyKey accepts 1 to 255 printable ASCII characters.
func CheckIdempotencyKey(key string) error {
	if key == "" || len(key) > maxIdempotencyKey {
		return &nps.ValidationError{Field: "Idempotency-Key", Message: fmt.Sprintf("must be 1 to %d characters long, got %d", maxIdempotencyKey, len(key))}
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c > 0x7e {
			return &nps.ValidationError{Field: "Idempotency-Key", Message: "must contain printable ASCII characters only"}
		}
	}
	return nil
}

// RecordResponsesOnce records rs as RecordResponses does, unless the
// workspace used key in the last IdempotencyTTL: then it records nothing
// and returns the stored answer with replayed set. requestHash identifies
// the request's body; the same key with another body is a
// *nps.ValidationError, since it is a client's mistake that a replay would
// hide.
//
// answer turns the stored responses into the answer to keep, inside the
// transaction: the key, its answer and the responses commit together or
// not at all, so a retry after a crash either finds the answer or records
// the responses anew. A refused batch stores no key, and its retry is
// checked again. Of concurrent requests with one key, one records and the
// others wait for its commit and replay its answer.
//
// Expired keys of the workspace are deleted when a key is stored, which
// costs one range read of an index per request and keeps the table at a
// day of keys without a background job.
func (db *DB) RecordResponsesOnce(ctx context.Context, workspaceID int64, key, requestHash string, rs []nps.Response,
	answer func([]nps.Response) (StoredAnswer, error)) (a StoredAnswer, replayed bool, err error) {
	if err := CheckIdempotencyKey(key); err != nil {
		return StoredAnswer{}, false, fmt.Errorf("store: record responses: %w", err)
	}
	now := db.now()
	err = db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND created_at <= $2`,
			workspaceID, now.Add(-IdempotencyTTL)); err != nil {
			return err
		}
		// Claiming the key first makes a concurrent request with the same
		// key wait here (PostgreSQL) until this transaction ends; SQLite
		// runs one write transaction at a time.
		var claimed string
		err := tx.QueryRowContext(ctx, `
			INSERT INTO idempotency_keys (workspace_id, key, request_hash, status, body, created_at)
			VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING RETURNING key`,
			workspaceID, key, requestHash, now).Scan(&claimed)
		if errors.Is(err, sql.ErrNoRows) {
			a, err = storedAnswer(ctx, tx, workspaceID, key, requestHash)
			replayed = err == nil
			return err
		}
		if err != nil {
			return err
		}
		stored, err := recordBatch(ctx, db.hot(tx), db.dialect, workspaceID, rs, now)
		if err != nil {
			return err
		}
		if a, err = answer(stored); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, body = $4 WHERE workspace_id = $1 AND key = $2`,
			workspaceID, key, a.Status, string(a.Body))
		return err
	})
	if err != nil {
		return StoredAnswer{}, false, fmt.Errorf("store: record responses: %w", err)
	}
	return a, replayed, nil
}

// storedAnswer returns the answer stored for key, which must have been
// given for the same request body.
func storedAnswer(ctx context.Context, tx *sql.Tx, workspaceID int64, key, requestHash string) (StoredAnswer, error) {
	var a StoredAnswer
	var hash, body string
	err := tx.QueryRowContext(ctx, `
		SELECT request_hash, status, body FROM idempotency_keys WHERE workspace_id = $1 AND key = $2`,
		workspaceID, key).Scan(&hash, &a.Status, &body)
	if err != nil {
		return a, err
	}
	if hash != requestHash {
		return a, &nps.ValidationError{Field: "Idempotency-Key", Message: "was used in the last 24 hours for a request with another body; " +
			"send a retry with exactly the same body, or use a new key for a new request"}
	}
	a.Body = []byte(body)
	return a, nil
}

// eraseStoredAnswers deletes the workspace's stored answers that hold one
// of the responses: the answer to a POST of one response is that
// response's JSON, to a batch an object with the list of them. A retry
// of a deleted key records its request anew, which finds the responses
// recorded and changes nothing. The table holds a day of keys (and those
// expired within the hour, see purgeCopies), so it is read whole.
func eraseStoredAnswers(ctx context.Context, tx *sql.Tx, workspaceID int64, responses []int64) error {
	erased := make(map[int64]bool, len(responses))
	for _, id := range responses {
		erased[id] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT key, body FROM idempotency_keys WHERE workspace_id = $1 AND body <> ''`, workspaceID)
	if err != nil {
		return fmt.Errorf("stored answers: %w", err)
	}
	var found []string
	for rows.Next() {
		var key, body string
		if err := rows.Scan(&key, &body); err != nil {
			rows.Close()
			return fmt.Errorf("stored answers: %w", err)
		}
		var answer struct {
			ID        int64 `json:"id"`
			Responses []struct {
				ID int64 `json:"id"`
			} `json:"responses"`
		}
		// A body that is not an answer of ours holds none of them.
		if json.Unmarshal([]byte(body), &answer) != nil {
			continue
		}
		hit := erased[answer.ID]
		for _, r := range answer.Responses {
			hit = hit || erased[r.ID]
		}
		if hit {
			found = append(found, key)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("stored answers: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("stored answers: %w", err)
	}
	for _, key := range found {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2`, workspaceID, key); err != nil {
			return fmt.Errorf("stored answers: %w", err)
		}
	}
	return nil
}
