package nps

import (
	"net/url"
	"time"
)

// PlanState is where an improvement plan stands.
type PlanState string

// The states of a plan.
const (
	PlanOpen PlanState = "open"
	PlanDone PlanState = "done"
)

// Plan is an improvement plan made with a customer account: the problem
// in the customer's words (its linked responses) and what was agreed,
// as PlanItems.
type Plan struct {
	ID          int64
	WorkspaceID int64
	AccountID   int64
	Title       string
	Problem     string
	State       PlanState
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DoneAt      time.Time
}

// Limits of a plan's texts.
const (
	maxPlanTitle = 200
	maxPlanText  = 5000
	maxURL       = 2000
)

// Validate reports the first problem with p's fields.
func (p Plan) Validate() error {
	if err := checkLine("title", p.Title, maxPlanTitle, true); err != nil {
		return err
	}
	if err := checkText("problem", p.Problem, maxPlanText, false); err != nil {
		return err
	}
	if p.State != PlanOpen && p.State != PlanDone {
		return fieldError("state", "must be open or done")
	}
	return nil
}

// ItemKind is what a plan item is.
type ItemKind string

// The kinds of plan item.
const (
	// ItemAction is an agreed action, with an owner, due date and status.
	ItemAction ItemKind = "action"
	// ItemNote is the team's note, never shown to the customer.
	ItemNote ItemKind = "note"
	// ItemLink is an attachment: a link to a document elsewhere.
	ItemLink ItemKind = "link"
	// ItemUpdate is a progress update written for the customer.
	ItemUpdate ItemKind = "update"
)

// ActionStatus is where an action stands.
type ActionStatus string

// The statuses of an action.
const (
	StatusTodo  ActionStatus = "todo"
	StatusDoing ActionStatus = "doing"
	StatusDone  ActionStatus = "done"
)

// PlanItem is one entry of a plan. Shareable items, never notes, appear
// on the customer's page.
type PlanItem struct {
	ID          int64
	WorkspaceID int64
	PlanID      int64
	Kind        ItemKind
	Body        string
	URL         string
	OwnerID     int64
	// DueOn is an action's due date, "2006-01-02", or "".
	DueOn     string
	Status    ActionStatus
	Shareable bool
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
	DoneAt    time.Time
}

// Validate reports the first problem with it's fields.
func (it PlanItem) Validate() error {
	if err := checkText("body", it.Body, maxPlanText, true); err != nil {
		return err
	}
	switch it.Kind {
	case ItemAction:
		switch it.Status {
		case StatusTodo, StatusDoing, StatusDone:
		default:
			return fieldError("status", "must be todo, doing or done")
		}
		if it.DueOn != "" {
			if _, err := time.Parse(time.DateOnly, it.DueOn); err != nil {
				return fieldError("due_on", "must be a date like 2026-12-31")
			}
		}
	case ItemLink:
		if err := checkLinkURL(it.URL); err != nil {
			return err
		}
	case ItemNote:
		if it.Shareable {
			return fieldError("shareable", "a note is for the team only")
		}
	case ItemUpdate:
	default:
		return fieldError("kind", "must be action, note, link or update")
	}
	if it.Kind != ItemAction && (it.Status != "" || it.DueOn != "" || it.OwnerID != 0) {
		return fieldError("kind", "only an action has an owner, a due date and a status")
	}
	if it.Kind != ItemLink && it.URL != "" {
		return fieldError("url", "only a link has an address")
	}
	return nil
}

// checkLinkURL accepts absolute http and https addresses only, so that a
// link shown to a customer cannot run script.
func checkLinkURL(raw string) error {
	if len(raw) > maxURL {
		return fieldError("url", "must be at most %d characters long", maxURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fieldError("url", "must be an http:// or https:// address")
	}
	return nil
}

// PlanUpdate changes a plan; nil fields stay as they are. Setting State
// to done records when; reopening clears it.
type PlanUpdate struct {
	Title   *string
	Problem *string
	State   *PlanState
}

// Apply returns p with u's changes, validated, at time now.
func (u PlanUpdate) Apply(p Plan, now time.Time) (Plan, error) {
	if u.Title != nil {
		p.Title = *u.Title
	}
	if u.Problem != nil {
		p.Problem = *u.Problem
	}
	if u.State != nil && *u.State != p.State {
		p.State = *u.State
		p.DoneAt = time.Time{}
		if p.State == PlanDone {
			p.DoneAt = now
		}
	}
	p.UpdatedAt = now
	return p, p.Validate()
}

// PlanItemUpdate changes a plan item; nil fields stay as they are. A
// status of done records when; another status clears it.
type PlanItemUpdate struct {
	Body      *string
	URL       *string
	OwnerID   *int64
	DueOn     *string
	Status    *ActionStatus
	Shareable *bool
}

// Apply returns it with u's changes, validated, at time now.
func (u PlanItemUpdate) Apply(it PlanItem, now time.Time) (PlanItem, error) {
	if u.Body != nil {
		it.Body = *u.Body
	}
	if u.URL != nil {
		it.URL = *u.URL
	}
	if u.OwnerID != nil {
		it.OwnerID = *u.OwnerID
	}
	if u.DueOn != nil {
		it.DueOn = *u.DueOn
	}
	if u.Shareable != nil {
		it.Shareable = *u.Shareable
	}
	if u.Status != nil && *u.Status != it.Status {
		it.Status = *u.Status
		it.DoneAt = time.Time{}
		if it.Status == StatusDone {
			it.DoneAt = now
		}
	}
	it.UpdatedAt = now
	return it, it.Validate()
}

// Overdue reports whether it is an action not done whose due date lies
// before the day of now.
func (it PlanItem) Overdue(now time.Time) bool {
	if it.Kind != ItemAction || it.Status == StatusDone || it.DueOn == "" {
		return false
	}
	return it.DueOn < now.UTC().Format(time.DateOnly)
}
