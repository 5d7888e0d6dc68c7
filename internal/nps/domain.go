package nps

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Conventions of the domain types:
//   - IDs are positive; 0 means "none" for an optional reference (an
//     account's owner, a B2B response's account) and "not stored yet" for
//     a type's own ID.
//   - A zero time.Time means "not set" (churned_at, closes_at, opted_out_at).
//   - Validate checks what the type can check alone; it returns nil or a
//     *ValidationError. References to other rows are checked by the store.

// Limits on free text, in characters. They keep rows and pages of sane size
// and turn a 10 MB paste into a clear error instead of a slow database.
const (
	maxName    = 200
	maxLine    = 500
	maxComment = 10000
	maxAttrs   = 50
	maxAttrKey = 64
)

// Workspace is one organisation whose customers are surveyed. Every row of
// customer data belongs to exactly one workspace.
type Workspace struct {
	ID int64
	// Slug names the workspace in URLs: lower-case letters, digits and
	// hyphens.
	Slug string
	Name string
	// RetentionMonths is how long personal data is kept: the retention
	// task erases what is older (see docs/PRIVACY.md); 0 keeps it forever.
	RetentionMonths int
	// FatigueDays is the least number of days between two invitations of
	// the same contact; 0 sets no limit.
	FatigueDays int
	CreatedAt   time.Time
}

// The bounds of a retention period: under half a year would erase the
// comments of a yearly wave before its report is written, and ten years
// is longer than any programme compares.
const (
	MinRetentionMonths = 6
	MaxRetentionMonths = 120
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate reports the first problem with w's fields.
func (w Workspace) Validate() error {
	switch {
	case w.Slug == "":
		return fieldError("slug", "must not be empty")
	case len(w.Slug) > 63:
		return fieldError("slug", "must be at most 63 characters long")
	case !slugPattern.MatchString(w.Slug):
		return fieldError("slug", "%q may contain only lower-case letters, digits and single hyphens between them", w.Slug)
	}
	if err := checkLine("name", w.Name, maxName, true); err != nil {
		return err
	}
	if w.RetentionMonths != 0 && (w.RetentionMonths < MinRetentionMonths || w.RetentionMonths > MaxRetentionMonths) {
		return fieldError("retention_months", "must be 0 (keep forever) or from %d to %d months, got %d",
			MinRetentionMonths, MaxRetentionMonths, w.RetentionMonths)
	}
	if w.FatigueDays < 0 || w.FatigueDays > 3650 {
		return fieldError("fatigue_days", "must be between 0 (no limit) and 3650 days, got %d", w.FatigueDays)
	}
	return nil
}

// User is a person who signs in. Users exist across workspaces; a
// Membership gives them a role in one.
type User struct {
	ID int64
	// Email is stored lower-case (see NormalizeEmail) and is unique.
	Email string
	Name  string
	// PasswordHash is the encoded password hash; empty for users who sign
	// in by other means. It never leaves the server.
	PasswordHash string `json:"-"`
	// Language is the language of the signed-in pages the user chose
	// ("nl", "en"); empty follows the browser.
	Language  string
	CreatedAt time.Time
}

// Validate reports the first problem with u's fields.
func (u User) Validate() error {
	if err := checkEmail("email", u.Email, true); err != nil {
		return err
	}
	return checkLine("name", u.Name, maxName, false)
}

// Role is what a user may do in a workspace.
type Role string

// The roles, from most to least powerful. A member is typically an account
// manager who sees the accounts they own; owners and analysts see all.
const (
	RoleOwner   Role = "owner"
	RoleAnalyst Role = "analyst"
	RoleMember  Role = "member"
	RoleViewer  Role = "viewer"
)

var roles = []Role{RoleOwner, RoleAnalyst, RoleMember, RoleViewer}

// ParseRole accepts a role's name in any case.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if err := r.Validate(); err != nil {
		return "", err
	}
	return r, nil
}

// Validate reports whether r is one of the roles.
func (r Role) Validate() error {
	if !slices.Contains(roles, r) {
		return fieldError("role", "%q is not a role; use owner, analyst, member or viewer", string(r))
	}
	return nil
}

// Membership gives a user a role in a workspace.
type Membership struct {
	WorkspaceID int64
	UserID      int64
	Role        Role
	CreatedAt   time.Time
}

// Validate reports the first problem with m's fields.
func (m Membership) Validate() error {
	if m.UserID <= 0 {
		return fieldError("user_id", "must be set")
	}
	return m.Role.Validate()
}

// NormalizeEmail trims an address and lower-cases it, so that uniqueness is
// case-insensitive and the same on every database.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkEmail accepts a bare address ("name@example.com"), not a display
// form ("Name <name@example.com>").
func checkEmail(field, s string, required bool) error {
	if s == "" {
		if required {
			return fieldError(field, "must not be empty")
		}
		return nil
	}
	if len(s) > 254 || !utf8.ValidString(s) {
		return fieldError(field, "is not a valid email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fieldError(field, "%q is not a valid email address like name@example.com", s)
	}
	return nil
}

var languagePattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// checkLanguage accepts a BCP 47 tag with a lower-case primary language
// ("nl", "en", "en-GB").
func checkLanguage(field, s string, required bool) error {
	if s == "" {
		if required {
			return fieldError(field, "must not be empty")
		}
		return nil
	}
	if len(s) > 35 || !languagePattern.MatchString(s) {
		return fieldError(field, "%q is not a language code like \"nl\", \"en\" or \"en-GB\"", s)
	}
	return nil
}

// checkLine accepts one line of text: names, labels, questions.
func checkLine(field, s string, max int, required bool) error {
	return checkString(field, s, max, required, false)
}

// checkText accepts multi-line text such as a comment.
func checkText(field, s string, max int, required bool) error {
	return checkString(field, s, max, required, true)
}

// checkString rejects what one of the databases would store differently or
// not at all (invalid UTF-8, NUL) and control characters, which have no
// place in text people type.
func checkString(field, s string, max int, required, multiline bool) error {
	if !utf8.ValidString(s) {
		return fieldError(field, "is not valid UTF-8 text")
	}
	if required && strings.TrimSpace(s) == "" {
		return fieldError(field, "must not be empty")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fieldError(field, "must be at most %d characters long, got %d", max, n)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return fieldError(field, "must not contain control characters such as %U", r)
		}
	}
	return nil
}

// checkAttributes accepts free attributes whose keys can be named in a
// breakdown: they start with a letter or digit and use letters, digits,
// spaces and _ - . ( ) / & + # : only, so that a key reads the same as a
// JSON object label on both databases.
func checkAttributes(field string, attrs map[string]string, reserved []string) error {
	if len(attrs) > maxAttrs {
		return fieldError(field, "must have at most %d attributes, got %d", maxAttrs, len(attrs))
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := checkAttributeKey(field, k); err != nil {
			return err
		}
		if slices.Contains(reserved, strings.ToLower(k)) {
			return fieldError(field, "%q is a built-in field; set the field instead of an attribute", k)
		}
		if err := checkLine(field+"."+k, attrs[k], maxLine, false); err != nil {
			return err
		}
	}
	return nil
}

func checkAttributeKey(field, k string) error {
	if k == "" || utf8.RuneCountInString(k) > maxAttrKey || strings.TrimSpace(k) != k {
		return fieldError(field, "attribute name %q must be 1 to %d characters without surrounding spaces", k, maxAttrKey)
	}
	for i, r := range k {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r)
		if i > 0 && !ok {
			ok = strings.ContainsRune(" _-.()/&+#:", r)
		}
		if !ok {
			return fieldError(field, "attribute name %q must start with a letter or digit and contain only letters, digits, spaces and _ - . ( ) / & + # :", k)
		}
	}
	return nil
}
