// Package demo builds and installs the demo workspace that `promotor demo`
// creates: a Dutch B2B service provider whose third yearly NPS measurement
// went from −10 to +18 after improvement plans made with its critical
// customers, as in the second seed article.
//
// Build is pure: a seed in, a Plan out, the same plan for the same seed.
// Install writes a plan through the store's exported methods, so that the
// demo's data obeys every rule real data does. Only `promotor demo` uses
// this package.
package demo

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

// Slug is the demo workspace's slug; installing a plan replaces the
// workspace with this slug.
const Slug = "demo"

// Plan is everything the demo workspace holds, by value: rows refer to
// each other by their index in the plan's slices, since they have no
// database IDs yet.
type Plan struct {
	Seed      int64
	Workspace nps.Workspace
	// Users are the company's people; Users[0] is the owner who signs in
	// with Password.
	Users    []User
	Password string
	Accounts []Account
	Contacts []Contact
	Survey   nps.Survey
	// Waves are the yearly measurements, oldest first; the last one is
	// open.
	Waves []Wave
	// Plans are the improvement plans made with the critical customers of
	// the middle wave, whose effect the last wave shows.
	Plans []ImprovementPlan
	// Referrals are the customers that came by another's recommendation.
	Referrals []Referral
	// Today is the moment the plan describes: every date in it lies
	// before. See At.
	Today time.Time
}

// ImprovementPlan is a plan made with an account after its detractor
// answer in Wave: the actions agreed, each done at its time or still
// going, and the update shared with the customer.
type ImprovementPlan struct {
	Account int
	Wave    int
	Made    time.Time
	Title   string
	Problem string
	Actions []PlanAction
	// Update is shared on the customer's page at UpdateAt.
	Update   string
	UpdateAt time.Time
	// Done is when the plan was finished; zero while it goes on.
	Done time.Time
}

// PlanAction is an agreed action; Done is zero while it is in progress.
type PlanAction struct {
	Text string
	Done time.Time
}

// User is a person of the demo company who uses Promotor.
type User struct {
	Email string
	Name  string
	Role  nps.Role
	// Region is, for an account manager, the region whose accounts they
	// own.
	Region string
}

// FirstName returns the user's first name, as customers call them.
func (u User) FirstName() string {
	for i, r := range u.Name {
		if r == ' ' {
			return u.Name[:i]
		}
	}
	return u.Name
}

// Account is a customer company. Its nps.Account has no IDs; Owner is the
// index of its account manager in Plan.Users.
type Account struct {
	nps.Account
	Owner int
	// Domain is the company's email domain.
	Domain string
	// FirstWave is the index of the first wave the account took part in:
	// customers who joined later were not asked before.
	FirstWave int
	// Revenue is the account's revenue per year, oldest first.
	Revenue []Revenue
}

// ActiveAt reports whether the account was a customer at time t in wave
// w: it had joined, and not left.
func (a Account) ActiveAt(w int, t time.Time) bool {
	return w >= a.FirstWave && (a.ChurnedAt.IsZero() || a.ChurnedAt.After(t))
}

// Contact is a person at a customer. Its nps.Contact has no IDs; Account
// is the index of its company in Plan.Accounts.
type Contact struct {
	nps.Contact
	Account int
	// FirstWave is the index of the first wave the contact was invited
	// to: people join their company too.
	FirstWave int
	// OptsOut marks a contact who unsubscribes from the last wave's
	// invitation.
	OptsOut bool
}

// Wave is one yearly measurement: its invitations and the answers they
// brought.
type Wave struct {
	nps.Wave
	Invitations []Invitation
	// Responses are in the order they came in.
	Responses []Response
}

// Invitation asks one contact (an index in Plan.Contacts) to answer.
type Invitation struct {
	Contact int
	// Status is how far the invitation got: responded when it was
	// answered, else sent, delivered, opened, bounced or opted_out.
	Status nps.InvitationStatus
}

// Answer is one version of a respondent's answer.
type Answer struct {
	Score   int
	Comment string
	Answers nps.Answers
}

// Category returns the NPS category of the answer's score.
func (a Answer) Category() nps.Category { return nps.CategoryOf(a.Score) }

// Response is a respondent's answer to an invitation (an index in
// Wave.Invitations).
type Response struct {
	Invitation int
	// Answer is the version that counts.
	Answer
	Language string
	// At is when the first version was given.
	At time.Time
	// Earlier are the versions the respondent replaced, oldest first; only
	// an open wave has them.
	Earlier []Answer
}

// Histogram counts the scores that count in the wave.
func (w Wave) Histogram() nps.Histogram {
	var h nps.Histogram
	for _, r := range w.Responses {
		h.Add(r.Score)
	}
	return h
}

// Open reports whether the wave takes answers: it has no closing time.
func (w Wave) Open() bool { return w.ClosesAt.IsZero() }

// At returns the plan moved by whole years so that its Today lies within
// the year before now, and its waves are named after their years: the
// last wave stays the current one whenever the demo is installed, and no
// date lies in the future. Moving by whole years keeps every date's
// weekday pattern and season.
func (p Plan) At(now time.Time) Plan {
	years := now.Year() - p.Today.Year()
	if p.Today.AddDate(years, 0, 0).After(now) {
		years--
	}
	if years == 0 {
		return p
	}
	move := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.AddDate(years, 0, 0)
	}
	q := p
	q.Today = move(p.Today)
	q.Accounts = make([]Account, len(p.Accounts))
	for i, a := range p.Accounts {
		a.ChurnedAt = move(a.ChurnedAt)
		a.Revenue = moveRevenue(a.Revenue, years)
		if year, err := strconv.Atoi(a.Attributes[attrSince]); err == nil {
			a.Attributes = maps.Clone(a.Attributes)
			a.Attributes[attrSince] = strconv.Itoa(year + years)
		}
		q.Accounts[i] = a
	}
	q.Waves = make([]Wave, len(p.Waves))
	for i, w := range p.Waves {
		w.OpensAt, w.ClosesAt = move(w.OpensAt), move(w.ClosesAt)
		w.Name = strconv.Itoa(w.OpensAt.Year())
		rs := make([]Response, len(w.Responses))
		for j, r := range w.Responses {
			r.At = move(r.At)
			rs[j] = r
		}
		w.Responses = rs
		q.Waves[i] = w
	}
	q.Plans = make([]ImprovementPlan, len(p.Plans))
	for i, pl := range p.Plans {
		pl.Made, pl.UpdateAt, pl.Done = move(pl.Made), move(pl.UpdateAt), move(pl.Done)
		pl.Actions = slices.Clone(pl.Actions)
		for j := range pl.Actions {
			pl.Actions[j].Done = move(pl.Actions[j].Done)
		}
		q.Plans[i] = pl
	}
	return q
}
