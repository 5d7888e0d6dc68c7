package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// t0 is the fixed start of every test's clock.
var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// clock is a settable clock for store.DB.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// setClock makes db's clock start at t0 and returns it.
func setClock(db *store.DB) *clock {
	c := &clock{t: t0}
	db.Now = c.now
	return c
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sampleSurvey asks everything a survey can ask, in Dutch and English.
func sampleSurvey() nps.Survey {
	text := func(q, fu, ret, perm, support, price string) nps.SurveyText {
		return nps.SurveyText{
			Question:   q,
			FollowUp:   nps.FollowUp{Promoter: fu + " (promoter)", Passive: fu + " (passive)", Detractor: fu + " (detractor)"},
			Retention:  ret,
			Drivers:    map[string]string{"support": support, "price": price},
			Permission: perm,
		}
	}
	return nps.Survey{
		Name:            "Relationship NPS",
		DefaultLanguage: "nl",
		Questions:       nps.Questions{Retention: true, Drivers: []string{"support", "price"}, Permission: true},
		Texts: map[string]nps.SurveyText{
			"nl": text("Hoe waarschijnlijk is het dat u ons aanbeveelt?", "Waarom?",
				"Overweegt u binnen 12 maanden zaken te doen met een concurrent?", "Mogen we contact opnemen?", "Ondersteuning", "Prijs"),
			"en": text("How likely are you to recommend us?", "Why?",
				"Are you considering doing business with a competitor within 12 months?", "May we contact you?", "Support", "Price"),
		},
	}
}

// fixture is a workspace with a survey, an open wave, an account with an
// owner, and a contact at that account.
type fixture struct {
	db      *store.DB
	clock   *clock
	ws      nps.Workspace
	owner   nps.User
	survey  nps.Survey
	wave    nps.Wave
	account nps.Account
	contact nps.Contact
}

// newFixture fills db with a fixture in a workspace named slug. The wave
// opens at t0 and closes 30 days later.
func newFixture(t testing.TB, db *store.DB, slug string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, clock: setClock(db)}
	f.ws = must(db.CreateWorkspace(ctx, nps.Workspace{Slug: slug, Name: "Workspace " + slug}))(t)
	f.owner = must(db.CreateUser(ctx, nps.User{Email: "owner@" + slug + ".example", Name: "Owner"}))(t)
	must(db.AddMember(ctx, f.ws.ID, f.owner.ID, nps.RoleMember))(t)
	f.survey = must(db.CreateSurvey(ctx, f.ws.ID, sampleSurvey()))(t)
	f.wave = must(db.CreateWave(ctx, f.ws.ID, nps.Wave{
		SurveyID: f.survey.ID, Name: "2025", OpensAt: t0, ClosesAt: t0.Add(30 * 24 * time.Hour), Population: 40,
	}))(t)
	f.account = must(db.CreateAccount(ctx, f.ws.ID, nps.Account{
		ExternalID: "CRM-1", Name: "Acme", OwnerID: f.owner.ID, Industry: "Retail", Region: "NL", Size: "large",
		Attributes: map[string]string{"Contract type": "enterprise"}, AnnualRevenueCents: 12_500_000_00,
	}))(t)
	f.contact = must(db.CreateContact(ctx, f.ws.ID, nps.Contact{
		AccountID: f.account.ID, Email: "anna@acme.example", Name: "Anna", Language: "nl",
	}))(t)
	return f
}

// addContact adds a contact at the fixture's account.
func (f *fixture) addContact(t *testing.T, email string) nps.Contact {
	t.Helper()
	return must(f.db.CreateContact(context.Background(), f.ws.ID, nps.Contact{AccountID: f.account.ID, Email: email}))(t)
}

// must fails the test when err is set and returns v otherwise:
// must(db.Workspace(ctx, id))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("got error %v, want none", err)
		}
		return v
	}
}
