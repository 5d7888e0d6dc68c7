package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// The customer page ("you said, we did"): each account has at most one
// unguessable token (account_pages) that opens a page of what the
// customer told and what was done about it. A new token replaces the old
// one, whose link then stops working. Only shareable items reach it, and
// never a note or the name of an item's owner.

// AccountPage is the token of an account's customer page.
type AccountPage struct {
	WorkspaceID int64
	AccountID   int64
	Token       string
	CreatedAt   time.Time
}

// AccountPage returns the token of the account's customer page, making
// one on first use.
func (db *DB) AccountPage(ctx context.Context, workspaceID, accountID int64) (string, error) {
	var token string
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := account(ctx, tx, workspaceID, accountID); err != nil {
			return err
		}
		if err := ensureAccountPage(ctx, tx, db.now(), workspaceID, accountID); err != nil {
			return err
		}
		var err error
		token, err = accountPageToken(ctx, tx, workspaceID, accountID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: account page: %w", err)
	}
	return token, nil
}

// RotateAccountPage gives the account's customer page a new token and
// returns it; the old link stops working.
func (db *DB) RotateAccountPage(ctx context.Context, workspaceID, accountID int64) (string, error) {
	token := newToken()
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := account(ctx, tx, workspaceID, accountID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO account_pages (account_id, workspace_id, token, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at`,
			accountID, workspaceID, token, db.now())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: rotate account page: %w", err)
	}
	return token, nil
}

// AccountPageByToken returns the account a customer page link carries.
// Like InvitationByToken it takes no workspace: the token decides it.
// An unknown or replaced token is nps.ErrNotFound; the lookup is by the
// unique index, so its time tells nothing of how close a guess was.
func (db *DB) AccountPageByToken(ctx context.Context, token string) (AccountPage, error) {
	if !plausibleToken(token) {
		return AccountPage{}, fmt.Errorf("store: account page by token: %w", nps.ErrNotFound)
	}
	p := AccountPage{Token: token}
	err := db.read.QueryRowContext(ctx, `SELECT workspace_id, account_id, created_at FROM account_pages WHERE token = $1`, token).
		Scan(&p.WorkspaceID, &p.AccountID, timeCol{&p.CreatedAt})
	if err != nil {
		return AccountPage{}, fmt.Errorf("store: account page by token: %w", notFound(err, "account page", "with this token"))
	}
	return p, nil
}

// ensureAccountPage gives the account a customer page token if it has
// none.
func ensureAccountPage(ctx context.Context, q querier, now time.Time, workspaceID, accountID int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO account_pages (account_id, workspace_id, token, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id) DO NOTHING`, accountID, workspaceID, newToken(), now)
	return err
}

func accountPageToken(ctx context.Context, q querier, workspaceID, accountID int64) (string, error) {
	var token string
	err := q.QueryRowContext(ctx, `SELECT token FROM account_pages WHERE workspace_id = $1 AND account_id = $2`, workspaceID, accountID).Scan(&token)
	return token, notFound(err, "account page of account", accountID)
}

// SharedProgress is what an account's customer page shows: the account's
// name, its contacts' languages, what the customer told (the responses
// linked to its plans) and the shareable items of its plans. Its types
// carry no owner and no note, so that the page cannot show them.
type SharedProgress struct {
	AccountName string
	// Languages are the languages of the account's contacts, the most
	// common first.
	Languages []string
	Said      []SharedAnswer
	// Done are the done actions, the latest first; Doing the others, by
	// due date.
	Done, Doing []SharedAction
	// Updates are the progress updates, the newest first.
	Updates []SharedUpdate
	Links   []SharedLink
}

// SharedAnswer is an answer of the customer, in its own words.
type SharedAnswer struct {
	Score   int
	Comment string
	At      time.Time
}

// SharedAction is an agreed action as the customer sees it.
type SharedAction struct {
	Body   string
	Status nps.ActionStatus
	DueOn  string
	DoneAt time.Time
}

// SharedUpdate is a progress update written for the customer.
type SharedUpdate struct {
	Body string
	At   time.Time
}

// SharedLink is a document shared with the customer.
type SharedLink struct {
	Body, URL string
	At        time.Time
}

// maxShared bounds each list of the customer page.
const maxShared = 100

// SharedProgress returns what the account's customer page shows.
func (db *DB) SharedProgress(ctx context.Context, workspaceID, accountID int64) (SharedProgress, error) {
	acc, err := account(ctx, db.read, workspaceID, accountID)
	if err != nil {
		return SharedProgress{}, fmt.Errorf("store: shared progress: %w", err)
	}
	sp := SharedProgress{AccountName: acc.Name}
	err = func() error {
		rows, err := db.read.QueryContext(ctx, `SELECT language FROM contacts WHERE workspace_id = $1 AND account_id = $2 AND language <> ''
			GROUP BY language ORDER BY COUNT(*) DESC, language`, workspaceID, accountID)
		if sp.Languages, err = collectOr(rows, err, scanText); err != nil {
			return err
		}
		rows, err = db.read.QueryContext(ctx, `SELECT DISTINCT r.id, r.score, r.comment, r.created_at
			FROM plans p JOIN plan_responses pr ON pr.workspace_id = p.workspace_id AND pr.plan_id = p.id
			JOIN responses r ON r.workspace_id = pr.workspace_id AND r.id = pr.response_id
			WHERE p.workspace_id = $1 AND p.account_id = $2 AND r.account_id = $2
			ORDER BY r.created_at DESC, r.id DESC LIMIT $3`, workspaceID, accountID, maxShared)
		sp.Said, err = collectOr(rows, err, func(row rowScanner) (SharedAnswer, error) {
			var a SharedAnswer
			var id int64
			return a, row.Scan(&id, &a.Score, &a.Comment, timeCol{&a.At})
		})
		if err != nil {
			return err
		}
		items, err := sharedItems(ctx, db.read, workspaceID, accountID, `TRUE`, 4*maxShared)
		if err != nil {
			return err
		}
		for _, it := range items {
			switch it.Kind {
			case nps.ItemAction:
				a := SharedAction{Body: it.Body, Status: it.Status, DueOn: it.DueOn, DoneAt: it.DoneAt}
				if it.Status == nps.StatusDone {
					sp.Done = append(sp.Done, a)
				} else {
					sp.Doing = append(sp.Doing, a)
				}
			case nps.ItemUpdate:
				sp.Updates = append(sp.Updates, SharedUpdate{Body: it.Body, At: it.CreatedAt})
			case nps.ItemLink:
				sp.Links = append(sp.Links, SharedLink{Body: it.Body, URL: it.URL, At: it.CreatedAt})
			}
		}
		slices.SortStableFunc(sp.Doing, func(a, b SharedAction) int {
			// Actions with a due date first, the soonest first.
			switch {
			case a.DueOn == b.DueOn:
				return 0
			case a.DueOn == "":
				return 1
			case b.DueOn == "":
				return -1
			}
			return strings.Compare(a.DueOn, b.DueOn)
		})
		return nil
	}()
	if err != nil {
		return SharedProgress{}, fmt.Errorf("store: shared progress: %w", err)
	}
	return sp, nil
}

// collectOr is collect for a query that may have failed.
func collectOr[T any](rows *sql.Rows, err error, scan func(rowScanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}

// RecentProgress is an account's shareable progress of the last months,
// for the line in the next wave's invitation.
type RecentProgress struct {
	// Done are the done shareable actions, the latest first.
	Done []SharedAction
	// Updates are the shared updates, the newest first.
	Updates   []SharedUpdate
	PageToken string
}

// maxRecent bounds what RecentProgress keeps of one account.
const maxRecent = 10

// RecentProgress returns, for each of the accounts that has any, the
// done shareable actions and shared updates since since (at most a few
// of each) and its customer page token: one query per workspace and few
// hundred accounts, for the invitations of a wave.
func (db *DB) RecentProgress(ctx context.Context, workspaceID int64, accountIDs []int64, since time.Time) (map[int64]RecentProgress, error) {
	out := map[int64]RecentProgress{}
	for chunk := range slices.Chunk(accountIDs, 500) {
		var w where
		ws, from := w.arg(workspaceID), w.arg(since)
		ids := make([]string, len(chunk))
		for i, id := range chunk {
			ids[i] = w.arg(id)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT p.account_id, i.kind, i.body, i.status, i.due_on, i.done_at, i.created_at, COALESCE(ap.token, '')
			FROM plans p JOIN plan_items i ON i.workspace_id = p.workspace_id AND i.plan_id = p.id
			LEFT JOIN account_pages ap ON ap.workspace_id = p.workspace_id AND ap.account_id = p.account_id
			WHERE p.workspace_id = `+ws+` AND p.account_id IN (`+strings.Join(ids, ", ")+`) AND i.shareable
				AND ((i.kind = 'action' AND i.status = 'done' AND i.done_at >= `+from+`) OR (i.kind = 'update' AND i.created_at >= `+from+`))
			ORDER BY COALESCE(i.done_at, i.created_at) DESC, i.id DESC`, w.args...)
		err = eachRow(rows, err, func(row rowScanner) error {
			var accountID int64
			var it nps.PlanItem
			var token string
			if err := row.Scan(&accountID, &it.Kind, &it.Body, &it.Status, &it.DueOn, timeCol{&it.DoneAt}, timeCol{&it.CreatedAt}, &token); err != nil {
				return err
			}
			rp := out[accountID]
			rp.PageToken = token
			switch {
			case it.Kind == nps.ItemAction && len(rp.Done) < maxRecent:
				rp.Done = append(rp.Done, SharedAction{Body: it.Body, Status: it.Status, DueOn: it.DueOn, DoneAt: it.DoneAt})
			case it.Kind == nps.ItemUpdate && len(rp.Updates) < maxRecent:
				rp.Updates = append(rp.Updates, SharedUpdate{Body: it.Body, At: it.CreatedAt})
			}
			out[accountID] = rp
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: recent progress: %w", err)
		}
	}
	return out, nil
}

// ContactsLastAnswered returns when each of the contacts last answered
// before until, for those that did.
func (db *DB) ContactsLastAnswered(ctx context.Context, workspaceID int64, contactIDs []int64, until time.Time) (map[int64]time.Time, error) {
	last := make(map[int64]time.Time, len(contactIDs))
	for chunk := range slices.Chunk(contactIDs, 500) {
		var w where
		ws, to := w.arg(workspaceID), w.arg(until)
		ids := make([]string, len(chunk))
		for i, id := range chunk {
			ids[i] = w.arg(id)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT contact_id, MAX(created_at) FROM responses
			WHERE workspace_id = `+ws+` AND contact_id IN (`+strings.Join(ids, ", ")+`) AND created_at < `+to+`
			GROUP BY contact_id`, w.args...)
		err = eachRow(rows, err, func(row rowScanner) error {
			var id int64
			var t time.Time
			if err := row.Scan(&id, timeCol{&t}); err != nil {
				return err
			}
			last[id] = t
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: contacts last answered: %w", err)
		}
	}
	return last, nil
}
