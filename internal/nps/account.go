package nps

import (
	"slices"
	"time"
)

// AccountStatus says whether an account is still a customer.
type AccountStatus string

// The account statuses.
const (
	AccountActive  AccountStatus = "active"
	AccountChurned AccountStatus = "churned"
)

// segmentFields are the account's built-in segment attributes. Custom
// attributes may not reuse their names, so a breakdown by name is never
// ambiguous.
var segmentFields = []string{"industry", "region", "size"}

// SegmentFields returns the built-in segment attributes of accounts, in
// the order the pages offer them.
func SegmentFields() []string { return slices.Clone(segmentFields) }

// IsSegmentField reports whether name is a built-in segment attribute of
// accounts (industry, region, size) rather than a custom one.
func IsSegmentField(name string) bool { return slices.Contains(segmentFields, name) }

// Account is a customer company (B2B), identified in the CRM by its
// external ID.
type Account struct {
	ID          int64
	WorkspaceID int64
	// ExternalID is the CRM's key; unique in the workspace when set.
	ExternalID string
	Name       string
	// OwnerID is the user (a member of the workspace) who owns the
	// account, typically its account manager; 0 when nobody does.
	OwnerID  int64
	Industry string
	Region   string
	Size     string
	// Attributes are free segment attributes ("contract": "enterprise").
	Attributes map[string]string
	// AnnualRevenueCents is the yearly revenue in cents of the workspace's
	// currency, kept in integers so sums are exact.
	AnnualRevenueCents int64
	Status             AccountStatus
	// ChurnedAt is when a churned account left; zero while active.
	ChurnedAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate reports the first problem with a's fields.
func (a Account) Validate() error {
	if err := checkLine("name", a.Name, maxName, true); err != nil {
		return err
	}
	if err := checkLine("external_id", a.ExternalID, maxName, false); err != nil {
		return err
	}
	if a.OwnerID < 0 {
		return fieldError("owner_id", "must not be negative")
	}
	for _, f := range []struct{ name, value string }{
		{"industry", a.Industry}, {"region", a.Region}, {"size", a.Size},
	} {
		if err := checkLine(f.name, f.value, maxName, false); err != nil {
			return err
		}
	}
	if err := checkAttributes("attributes", a.Attributes, segmentFields); err != nil {
		return err
	}
	if a.AnnualRevenueCents < 0 {
		return fieldError("annual_revenue", "must not be negative")
	}
	switch a.Status {
	case AccountActive:
		if !a.ChurnedAt.IsZero() {
			return fieldError("churned_at", "must be empty for an active account")
		}
	case AccountChurned:
		if a.ChurnedAt.IsZero() {
			return fieldError("churned_at", "is required for a churned account")
		}
	default:
		return fieldError("status", "%q is not an account status; use active or churned", string(a.Status))
	}
	return nil
}

// Contact is a person who can be surveyed: usually someone at an account,
// or a consumer without one (B2C).
type Contact struct {
	ID          int64
	WorkspaceID int64
	// AccountID is the contact's company; 0 for a consumer.
	AccountID int64
	// ExternalID is the CRM's key for the person; unique in the workspace
	// when set.
	ExternalID string
	// Email is stored lower-case (see NormalizeEmail); unique in the
	// workspace when set.
	Email string
	Name  string
	// Language is the contact's preferred language ("nl"); empty means the
	// survey's default.
	Language   string
	Attributes map[string]string
	// ConsentAt is when the contact agreed to be surveyed; zero when no
	// consent was recorded (B2B surveys usually rely on legitimate
	// interest instead).
	ConsentAt time.Time
	// OptedOutAt is when the contact unsubscribed; zero while they have
	// not. An opt-out is never undone by an import.
	OptedOutAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// OptedOut reports whether the contact asked not to be surveyed.
func (c Contact) OptedOut() bool { return !c.OptedOutAt.IsZero() }

// Validate reports the first problem with c's fields.
func (c Contact) Validate() error {
	if c.AccountID < 0 {
		return fieldError("account_id", "must not be negative")
	}
	if c.Email == "" && c.ExternalID == "" {
		return fieldError("email", "an email address or an external id is required")
	}
	if err := checkEmail("email", c.Email, false); err != nil {
		return err
	}
	if err := checkLine("external_id", c.ExternalID, maxName, false); err != nil {
		return err
	}
	if err := checkLine("name", c.Name, maxName, false); err != nil {
		return err
	}
	if err := checkLanguage("language", c.Language, false); err != nil {
		return err
	}
	return checkAttributes("attributes", c.Attributes, nil)
}
