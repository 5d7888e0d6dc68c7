package nps

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// checkField fails unless err is nil for wantField "" or a
// *ValidationError about wantField.
func checkField(t *testing.T, name string, err error, wantField string) {
	t.Helper()
	if wantField == "" {
		if err != nil {
			t.Errorf("%s: got %v, want valid", name, err)
		}
		return
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != wantField {
		t.Errorf("%s: got %v, want a validation error about %s", name, err, wantField)
		return
	}
	if ve.Message == "" || strings.Contains(ve.Message, "%!") {
		t.Errorf("%s: got message %q, want a readable one", name, ve.Message)
	}
}

func TestWorkspaceValidate(t *testing.T) {
	ok := Workspace{Slug: "acme-cx", Name: "Acme CX", RetentionMonths: 24, FatigueDays: 90}
	tests := []struct {
		name      string
		edit      func(*Workspace)
		wantField string
	}{
		{"ok", func(*Workspace) {}, ""},
		{"digits", func(w *Workspace) { w.Slug = "2025" }, ""},
		{"no slug", func(w *Workspace) { w.Slug = "" }, "slug"},
		{"upper case", func(w *Workspace) { w.Slug = "Acme" }, "slug"},
		{"space", func(w *Workspace) { w.Slug = "acme cx" }, "slug"},
		{"leading hyphen", func(w *Workspace) { w.Slug = "-acme" }, "slug"},
		{"double hyphen", func(w *Workspace) { w.Slug = "acme--cx" }, "slug"},
		{"long slug", func(w *Workspace) { w.Slug = strings.Repeat("a", 64) }, "slug"},
		{"blank name", func(w *Workspace) { w.Name = "  " }, "name"},
		{"newline in name", func(w *Workspace) { w.Name = "Acme\nCX" }, "name"},
		{"long name", func(w *Workspace) { w.Name = strings.Repeat("é", 201) }, "name"},
		{"negative retention", func(w *Workspace) { w.RetentionMonths = -1 }, "retention_months"},
		{"short retention", func(w *Workspace) { w.RetentionMonths = 3 }, "retention_months"},
		{"long retention", func(w *Workspace) { w.RetentionMonths = 121 }, "retention_months"},
		{"huge fatigue", func(w *Workspace) { w.FatigueDays = 5000 }, "fatigue_days"},
	}
	for _, tt := range tests {
		w := ok
		tt.edit(&w)
		checkField(t, tt.name, w.Validate(), tt.wantField)
	}
}

func TestUserAndRole(t *testing.T) {
	tests := []struct {
		name      string
		user      User
		wantField string
	}{
		{"ok", User{Email: "miranda@example.com", Name: "Miranda"}, ""},
		{"no name", User{Email: "m@example.com"}, ""},
		{"no email", User{Name: "Miranda"}, "email"},
		{"display form", User{Email: "Miranda <m@example.com>"}, "email"},
		{"no domain", User{Email: "miranda"}, "email"},
		{"bad UTF-8 name", User{Email: "m@example.com", Name: "\xff"}, "name"},
	}
	for _, tt := range tests {
		checkField(t, tt.name, tt.user.Validate(), tt.wantField)
	}
	if got := NormalizeEmail("  Miranda@Example.COM "); got != "miranda@example.com" {
		t.Errorf("NormalizeEmail: got %q, want %q", got, "miranda@example.com")
	}
	for in, want := range map[string]Role{"owner": RoleOwner, " Analyst": RoleAnalyst, "MEMBER": RoleMember, "viewer": RoleViewer} {
		if got, err := ParseRole(in); got != want || err != nil {
			t.Errorf("ParseRole(%q): got %q, %v, want %q", in, got, err, want)
		}
	}
	_, err := ParseRole("boss")
	checkField(t, "ParseRole(boss)", err, "role")
	checkField(t, "membership without user", Membership{Role: RoleOwner}.Validate(), "user_id")
	checkField(t, "membership without role", Membership{UserID: 1}.Validate(), "role")
}

func TestAccountValidate(t *testing.T) {
	ok := Account{Name: "Acme", ExternalID: "CRM-1", Industry: "Retail", Status: AccountActive,
		Attributes: map[string]string{"Contract type": "enterprise", "Tier (B2B)": "1"}}
	tests := []struct {
		name      string
		edit      func(*Account)
		wantField string
	}{
		{"ok", func(*Account) {}, ""},
		{"churned", func(a *Account) { a.Status, a.ChurnedAt = AccountChurned, time.Now() }, ""},
		{"no name", func(a *Account) { a.Name = "" }, "name"},
		{"negative revenue", func(a *Account) { a.AnnualRevenueCents = -1 }, "annual_revenue"},
		{"negative owner", func(a *Account) { a.OwnerID = -1 }, "owner_id"},
		{"no status", func(a *Account) { a.Status = "" }, "status"},
		{"churned without date", func(a *Account) { a.Status = AccountChurned }, "churned_at"},
		{"active with churn date", func(a *Account) { a.ChurnedAt = time.Now() }, "churned_at"},
		{"control in industry", func(a *Account) { a.Industry = "Re\x07tail" }, "industry"},
		{"built-in attribute", func(a *Account) { a.Attributes = map[string]string{"Industry": "x"} }, "attributes"},
		{"quote in attribute", func(a *Account) { a.Attributes = map[string]string{`say "hi"`: "x"} }, "attributes"},
		{"dollar attribute", func(a *Account) { a.Attributes = map[string]string{"$.a": "x"} }, "attributes"},
		{"padded attribute", func(a *Account) { a.Attributes = map[string]string{"tier ": "x"} }, "attributes"},
		{"empty attribute name", func(a *Account) { a.Attributes = map[string]string{"": "x"} }, "attributes"},
		{"long attribute value", func(a *Account) { a.Attributes = map[string]string{"tier": strings.Repeat("x", 501)} }, "attributes.tier"},
		{"many attributes", func(a *Account) {
			a.Attributes = map[string]string{}
			for i := range 51 {
				a.Attributes[strings.Repeat("k", i+1)] = "v"
			}
		}, "attributes"},
	}
	for _, tt := range tests {
		a := ok
		tt.edit(&a)
		checkField(t, tt.name, a.Validate(), tt.wantField)
	}
	if !IsSegmentField("industry") || IsSegmentField("Contract type") {
		t.Errorf("IsSegmentField: got industry %v, custom %v, want true, false", IsSegmentField("industry"), IsSegmentField("Contract type"))
	}
}

func TestContactValidate(t *testing.T) {
	tests := []struct {
		name      string
		contact   Contact
		wantField string
	}{
		{"ok", Contact{Email: "anna@acme.example", Name: "Anna", Language: "nl"}, ""},
		{"external id only", Contact{ExternalID: "P-1"}, ""},
		{"regional language", Contact{Email: "a@b.example", Language: "en-GB"}, ""},
		{"neither email nor id", Contact{Name: "Anna"}, "email"},
		{"bad email", Contact{Email: "anna@"}, "email"},
		{"upper-case language", Contact{Email: "a@b.example", Language: "EN"}, "language"},
		{"language name", Contact{Email: "a@b.example", Language: "Dutch"}, "language"},
		{"negative account", Contact{Email: "a@b.example", AccountID: -2}, "account_id"},
		{"bad attribute", Contact{Email: "a@b.example", Attributes: map[string]string{"[0]": "x"}}, "attributes"},
	}
	for _, tt := range tests {
		checkField(t, tt.name, tt.contact.Validate(), tt.wantField)
	}
	if (Contact{}).OptedOut() || !(Contact{OptedOutAt: time.Now()}).OptedOut() {
		t.Errorf("OptedOut: got it wrong for the zero and a set time")
	}
}
