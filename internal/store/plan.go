package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Improvement plans: a plan belongs to an account, links the account's
// responses it answers (plan_responses) and holds items: actions, notes,
// links and progress updates. Every change records a plan.changed event
// in its own transaction, for the webhooks.

// PlanFilter selects plans; its zero value selects all of a workspace's.
type PlanFilter struct {
	AccountID int64
	// State keeps open or done plans; empty keeps both.
	State nps.PlanState
	// OwnerID keeps the plans of the accounts one user owns, as a member
	// sees them.
	OwnerID int64
	// ActiveFrom and ActiveBefore keep the plans that were open at some
	// time in a period: made before its end and not done before its
	// start. Zero times leave the period open on that side.
	ActiveFrom, ActiveBefore time.Time
	// Limit caps the number of plans (0: 500).
	Limit int
}

// PlanSummary is a plan as the list shows it: with its account and the
// count of its actions.
type PlanSummary struct {
	nps.Plan
	AccountName    string
	AccountOwnerID int64
	Actions        int
	ActionsDone    int
	// Overdue counts the actions not done whose due date has passed.
	Overdue int
}

const planColumns = `id, workspace_id, account_id, title, problem, state, created_by, created_at, updated_at, done_at`

func scanPlan(row rowScanner) (nps.Plan, error) { return scanPlanWith(row) }

func scanPlanWith(row rowScanner, more ...any) (nps.Plan, error) {
	var p nps.Plan
	err := row.Scan(append([]any{&p.ID, &p.WorkspaceID, &p.AccountID, &p.Title, &p.Problem, &p.State, idCol{&p.CreatedBy},
		timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}, timeCol{&p.DoneAt}}, more...)...)
	return p, err
}

const planItemColumns = `id, workspace_id, plan_id, kind, body, url, owner_id, due_on, status, shareable,
	created_by, created_at, updated_at, done_at`

func scanPlanItem(row rowScanner) (nps.PlanItem, error) {
	var it nps.PlanItem
	err := row.Scan(&it.ID, &it.WorkspaceID, &it.PlanID, &it.Kind, &it.Body, &it.URL, idCol{&it.OwnerID}, &it.DueOn,
		&it.Status, &it.Shareable, idCol{&it.CreatedBy}, timeCol{&it.CreatedAt}, timeCol{&it.UpdatedAt}, timeCol{&it.DoneAt})
	return it, err
}

// CreatePlan stores a new plan for an account of the workspace, linking
// the responses given, which must be answers of that account. A state
// left empty is open. An account, response or creator of another
// workspace is nps.ErrNotFound.
func (db *DB) CreatePlan(ctx context.Context, workspaceID int64, p nps.Plan, responseIDs []int64) (nps.Plan, error) {
	now := db.now()
	p.ID, p.WorkspaceID, p.CreatedAt, p.UpdatedAt, p.DoneAt = 0, workspaceID, now, now, time.Time{}
	if p.State == "" {
		p.State = nps.PlanOpen
	}
	if p.State == nps.PlanDone {
		p.DoneAt = now
	}
	if err := p.Validate(); err != nil {
		return nps.Plan{}, fmt.Errorf("store: create plan: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := account(ctx, tx, workspaceID, p.AccountID); err != nil {
			return err
		}
		if p.CreatedBy != 0 {
			if _, err := membership(ctx, tx, workspaceID, p.CreatedBy); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO plans (workspace_id, account_id, title, problem, state, created_by, created_at, updated_at, done_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id`,
			workspaceID, p.AccountID, p.Title, p.Problem, p.State, nullID(p.CreatedBy), now, nullTime(p.DoneAt)).Scan(&p.ID)
		if err != nil {
			return err
		}
		ids := slices.Clone(responseIDs)
		slices.Sort(ids)
		for _, id := range slices.Compact(ids) {
			if err := linkPlanResponse(ctx, tx, p, id); err != nil {
				return err
			}
		}
		return insertEvent(ctx, tx, now, workspaceID, nps.EventPlanChanged, p.ID)
	})
	if err != nil {
		return nps.Plan{}, fmt.Errorf("store: create plan: %w", err)
	}
	return p, nil
}

// linkPlanResponse links a response of the plan's account to the plan;
// a link that exists already is kept.
func linkPlanResponse(ctx context.Context, tx querier, p nps.Plan, responseID int64) error {
	r, err := response(ctx, tx, p.WorkspaceID, responseID)
	if err != nil {
		return err
	}
	if r.AccountID != p.AccountID {
		return &nps.ValidationError{Field: "responses", Message: "must be answers of the plan's account"}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO plan_responses (workspace_id, plan_id, response_id) VALUES ($1, $2, $3)
		ON CONFLICT (plan_id, response_id) DO NOTHING`, p.WorkspaceID, p.ID, responseID)
	return err
}

// Plan returns the workspace's plan with the given ID.
func (db *DB) Plan(ctx context.Context, workspaceID, id int64) (nps.Plan, error) {
	p, err := plan(ctx, db.read, workspaceID, id, "")
	if err != nil {
		return nps.Plan{}, fmt.Errorf("store: %w", err)
	}
	return p, nil
}

func plan(ctx context.Context, q querier, workspaceID, id int64, lock string) (nps.Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE workspace_id = $1 AND id = $2`+lock, workspaceID, id))
	return p, notFound(err, "plan", id)
}

// Plans returns the workspace's plans that f selects, open ones first,
// then the newest first, with their accounts and counts of actions, and
// of those past their due date.
func (db *DB) Plans(ctx context.Context, workspaceID int64, f PlanFilter) ([]PlanSummary, error) {
	w := &where{}
	w.and("p.workspace_id = " + w.arg(workspaceID))
	if f.AccountID != 0 {
		w.and("p.account_id = " + w.arg(f.AccountID))
	}
	if f.State != "" {
		w.and("p.state = " + w.arg(f.State))
	}
	if f.OwnerID != 0 {
		w.and("a.owner_id = " + w.arg(f.OwnerID))
	}
	if !f.ActiveFrom.IsZero() {
		w.and("(p.done_at IS NULL OR p.done_at >= " + w.arg(f.ActiveFrom) + ")")
	}
	if !f.ActiveBefore.IsZero() {
		w.and("p.created_at < " + w.arg(f.ActiveBefore))
	}
	today := w.arg(db.now().Format(time.DateOnly))
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("p", planColumns)+`, a.name, a.owner_id,
			(SELECT COUNT(*) FROM plan_items i WHERE i.workspace_id = p.workspace_id AND i.plan_id = p.id AND i.kind = 'action'),
			(SELECT COUNT(*) FROM plan_items i WHERE i.workspace_id = p.workspace_id AND i.plan_id = p.id AND i.kind = 'action' AND i.status = 'done'),
			(SELECT COUNT(*) FROM plan_items i WHERE i.workspace_id = p.workspace_id AND i.plan_id = p.id AND i.kind = 'action'
				AND i.status <> 'done' AND i.due_on <> '' AND i.due_on < `+today+`)
		FROM plans p JOIN accounts a ON a.workspace_id = p.workspace_id AND a.id = p.account_id`+w.String()+`
		ORDER BY CASE WHEN p.state = 'open' THEN 0 ELSE 1 END, p.created_at DESC, p.id DESC
		LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	list, err := collect(rows, func(row rowScanner) (PlanSummary, error) {
		var s PlanSummary
		var err error
		s.Plan, err = scanPlanWith(row, &s.AccountName, idCol{&s.AccountOwnerID}, &s.Actions, &s.ActionsDone, &s.Overdue)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	return list, nil
}

// UpdatePlan changes a plan's title, problem or state.
func (db *DB) UpdatePlan(ctx context.Context, workspaceID, id int64, u nps.PlanUpdate) (nps.Plan, error) {
	var p nps.Plan
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := db.now()
		old, err := plan(ctx, tx, workspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		if p, err = u.Apply(old, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE plans SET title = $3, problem = $4, state = $5, updated_at = $6, done_at = $7
			WHERE workspace_id = $1 AND id = $2`, workspaceID, id, p.Title, p.Problem, p.State, now, nullTime(p.DoneAt))
		if err != nil {
			return err
		}
		return insertEvent(ctx, tx, now, workspaceID, nps.EventPlanChanged, id)
	})
	if err != nil {
		return nps.Plan{}, fmt.Errorf("store: update plan: %w", err)
	}
	return p, nil
}

// LinkPlanResponse links a response of the plan's account to the plan.
func (db *DB) LinkPlanResponse(ctx context.Context, workspaceID, planID, responseID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		p, err := plan(ctx, tx, workspaceID, planID, "")
		if err != nil {
			return err
		}
		if err := linkPlanResponse(ctx, tx, p, responseID); err != nil {
			return err
		}
		return insertEvent(ctx, tx, db.now(), workspaceID, nps.EventPlanChanged, planID)
	})
	if err != nil {
		return fmt.Errorf("store: link plan response: %w", err)
	}
	return nil
}

// UnlinkPlanResponse removes a response from a plan; a response that is
// not linked is nps.ErrNotFound.
func (db *DB) UnlinkPlanResponse(ctx context.Context, workspaceID, planID, responseID int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM plan_responses WHERE workspace_id = $1 AND plan_id = $2 AND response_id = $3`,
			workspaceID, planID, responseID)
		if err := oneRow(res, err, fmt.Sprintf("plan %d's response", planID), responseID); err != nil {
			return err
		}
		return insertEvent(ctx, tx, db.now(), workspaceID, nps.EventPlanChanged, planID)
	})
	if err != nil {
		return fmt.Errorf("store: unlink plan response: %w", err)
	}
	return nil
}

// PlanResponses returns the responses linked to a plan, newest first.
func (db *DB) PlanResponses(ctx context.Context, workspaceID, planID int64) ([]nps.Response, error) {
	if _, err := plan(ctx, db.read, workspaceID, planID, ""); err != nil {
		return nil, fmt.Errorf("store: plan responses: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("r", responseColumns)+`
		FROM plan_responses pr JOIN responses r ON r.workspace_id = pr.workspace_id AND r.id = pr.response_id
		WHERE pr.workspace_id = $1 AND pr.plan_id = $2 ORDER BY r.created_at DESC, r.id DESC`, workspaceID, planID)
	if err != nil {
		return nil, fmt.Errorf("store: plan responses: %w", err)
	}
	list, err := collect(rows, scanResponse)
	if err != nil {
		return nil, fmt.Errorf("store: plan responses: %w", err)
	}
	return list, nil
}

// UpdateMail is what the emails of a progress update are written from:
// the update as stored, its account, the contacts to write to (with an
// email, not opted out), the account's done shareable actions and the
// token of its customer page.
type UpdateMail struct {
	Item      nps.PlanItem
	Account   nps.Account
	Contacts  []nps.Contact
	Done      []nps.PlanItem
	PageToken string
}

// UpdateMailer writes the emails of a progress update, one per contact;
// the store queues them in the update's transaction.
type UpdateMailer func(UpdateMail) ([]nps.Notification, error)

// AddPlanItem adds an action, note, link or update to a plan. An action
// without status is to do. An owner must be a member of the workspace.
// When mailer is set and the item is a shareable update, the emails it
// writes are queued (kind update, about the item) in the same
// transaction, so that either the update and its emails are stored or
// neither.
func (db *DB) AddPlanItem(ctx context.Context, workspaceID int64, it nps.PlanItem, mailer UpdateMailer) (nps.PlanItem, error) {
	now := db.now()
	it.ID, it.WorkspaceID, it.CreatedAt, it.UpdatedAt, it.DoneAt = 0, workspaceID, now, now, time.Time{}
	if it.Kind == nps.ItemAction && it.Status == "" {
		it.Status = nps.StatusTodo
	}
	if it.Status == nps.StatusDone {
		it.DoneAt = now
	}
	if err := it.Validate(); err != nil {
		return nps.PlanItem{}, fmt.Errorf("store: add plan item: %w", err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		p, err := plan(ctx, tx, workspaceID, it.PlanID, "")
		if err != nil {
			return err
		}
		for _, u := range []int64{it.OwnerID, it.CreatedBy} {
			if u != 0 {
				if _, err := membership(ctx, tx, workspaceID, u); err != nil {
					return err
				}
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO plan_items (workspace_id, plan_id, kind, body, url, owner_id, due_on, status, shareable,
				created_by, created_at, updated_at, done_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id`,
			workspaceID, it.PlanID, it.Kind, it.Body, it.URL, nullID(it.OwnerID), it.DueOn, it.Status, it.Shareable,
			nullID(it.CreatedBy), now, nullTime(it.DoneAt)).Scan(&it.ID)
		if err != nil {
			return err
		}
		if it.Shareable {
			if err := ensureAccountPage(ctx, tx, now, workspaceID, p.AccountID); err != nil {
				return err
			}
		}
		if mailer != nil && it.Kind == nps.ItemUpdate && it.Shareable {
			if err := queueUpdateMails(ctx, tx, now, p, it, mailer); err != nil {
				return err
			}
		}
		return insertEvent(ctx, tx, now, workspaceID, nps.EventPlanChanged, p.ID)
	})
	if err != nil {
		return nps.PlanItem{}, fmt.Errorf("store: add plan item: %w", err)
	}
	return it, nil
}

// queueUpdateMails queues the emails of a shareable update to the
// contacts of the plan's account who have an email and did not opt out.
func queueUpdateMails(ctx context.Context, tx *sql.Tx, now time.Time, p nps.Plan, it nps.PlanItem, mailer UpdateMailer) error {
	m := UpdateMail{Item: it}
	var err error
	if m.Account, err = account(ctx, tx, p.WorkspaceID, p.AccountID); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts
		WHERE workspace_id = $1 AND account_id = $2 AND email <> '' AND opted_out_at IS NULL ORDER BY id`, p.WorkspaceID, p.AccountID)
	if err != nil {
		return err
	}
	if m.Contacts, err = collect(rows, scanContact); err != nil {
		return err
	}
	if len(m.Contacts) == 0 {
		return nil
	}
	if m.Done, err = sharedItems(ctx, tx, p.WorkspaceID, p.AccountID, `i.kind = 'action' AND i.status = 'done'`, 20); err != nil {
		return err
	}
	if m.PageToken, err = accountPageToken(ctx, tx, p.WorkspaceID, p.AccountID); err != nil {
		return err
	}
	notes, err := mailer(m)
	if err != nil {
		return err
	}
	for _, n := range notes {
		n.WorkspaceID, n.Kind, n.SubjectID, n.AccountID = p.WorkspaceID, nps.NotifyUpdate, it.ID, p.AccountID
		if _, err := insertNotification(ctx, tx, now, n); err != nil {
			return err
		}
	}
	return nil
}

// sharedItems returns the shareable items of an account's plans that
// cond (on plan_items i) keeps, most recent first, at most limit.
func sharedItems(ctx context.Context, q querier, workspaceID, accountID int64, cond string, limit int) ([]nps.PlanItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+prefixed("i", planItemColumns)+`
		FROM plans p JOIN plan_items i ON i.workspace_id = p.workspace_id AND i.plan_id = p.id
		WHERE p.workspace_id = $1 AND p.account_id = $2 AND i.shareable AND i.kind <> 'note' AND `+cond+`
		ORDER BY COALESCE(i.done_at, i.created_at) DESC, i.id DESC LIMIT $3`, workspaceID, accountID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanPlanItem)
}

// planItem reads an item of the workspace.
func planItem(ctx context.Context, q querier, workspaceID, id int64, lock string) (nps.PlanItem, error) {
	it, err := scanPlanItem(q.QueryRowContext(ctx, `SELECT `+planItemColumns+` FROM plan_items WHERE workspace_id = $1 AND id = $2`+lock,
		workspaceID, id))
	return it, notFound(err, "plan item", id)
}

// PlanItem returns the workspace's plan item with the given ID.
func (db *DB) PlanItem(ctx context.Context, workspaceID, id int64) (nps.PlanItem, error) {
	it, err := planItem(ctx, db.read, workspaceID, id, "")
	if err != nil {
		return nps.PlanItem{}, fmt.Errorf("store: %w", err)
	}
	return it, nil
}

// UpdatePlanItem changes an item: an action's status (done records
// when), owner (a member of the workspace) and due date, any item's text
// and whether it is shown to the customer.
func (db *DB) UpdatePlanItem(ctx context.Context, workspaceID, id int64, u nps.PlanItemUpdate) (nps.PlanItem, error) {
	var it nps.PlanItem
	err := db.write(ctx, func(tx *sql.Tx) error {
		now := db.now()
		old, err := planItem(ctx, tx, workspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		if it, err = u.Apply(old, now); err != nil {
			return err
		}
		if it.OwnerID != 0 && it.OwnerID != old.OwnerID {
			if _, err := membership(ctx, tx, workspaceID, it.OwnerID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE plan_items SET body = $3, url = $4, owner_id = $5, due_on = $6, status = $7,
				shareable = $8, updated_at = $9, done_at = $10
			WHERE workspace_id = $1 AND id = $2`, workspaceID, id, it.Body, it.URL, nullID(it.OwnerID), it.DueOn, it.Status,
			it.Shareable, now, nullTime(it.DoneAt))
		if err != nil {
			return err
		}
		if it.Shareable {
			p, err := plan(ctx, tx, workspaceID, it.PlanID, "")
			if err != nil {
				return err
			}
			if err := ensureAccountPage(ctx, tx, now, workspaceID, p.AccountID); err != nil {
				return err
			}
		}
		return insertEvent(ctx, tx, now, workspaceID, nps.EventPlanChanged, it.PlanID)
	})
	if err != nil {
		return nps.PlanItem{}, fmt.Errorf("store: update plan item: %w", err)
	}
	return it, nil
}

// DeletePlanItem removes an item from its plan.
func (db *DB) DeletePlanItem(ctx context.Context, workspaceID, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		it, err := planItem(ctx, tx, workspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_items WHERE workspace_id = $1 AND id = $2`, workspaceID, id); err != nil {
			return err
		}
		return insertEvent(ctx, tx, db.now(), workspaceID, nps.EventPlanChanged, it.PlanID)
	})
	if err != nil {
		return fmt.Errorf("store: delete plan item: %w", err)
	}
	return nil
}

// PlanItems returns a plan's items in the order they were added.
func (db *DB) PlanItems(ctx context.Context, workspaceID, planID int64) ([]nps.PlanItem, error) {
	if _, err := plan(ctx, db.read, workspaceID, planID, ""); err != nil {
		return nil, fmt.Errorf("store: plan items: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+planItemColumns+` FROM plan_items
		WHERE workspace_id = $1 AND plan_id = $2 ORDER BY id`, workspaceID, planID)
	if err != nil {
		return nil, fmt.Errorf("store: plan items: %w", err)
	}
	list, err := collect(rows, scanPlanItem)
	if err != nil {
		return nil, fmt.Errorf("store: plan items: %w", err)
	}
	return list, nil
}
