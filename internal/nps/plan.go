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
