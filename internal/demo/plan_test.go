package demo

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
)

// wantNPS is the story of the second seed article: a first measurement,
// then −10, then +18.
var wantNPS = []float64{-4, -10, 18}

var seeds = []int64{1, 2, 7, 42, 2026, -5}

func TestBuildDeterministic(t *testing.T) {
	for _, seed := range seeds {
		if a, b := Build(seed), Build(seed); !reflect.DeepEqual(a, b) {
			t.Errorf("Build(%d) twice: the plans differ", seed)
		}
	}
	a, b := Build(1), Build(2)
	if a.Password == b.Password || a.Contacts[0].Email == b.Contacts[0].Email {
		t.Errorf("Build(1) and Build(2): got the same password or first contact, want different plans")
	}
}

func TestBuildNPS(t *testing.T) {
	for _, seed := range seeds {
		p := Build(seed)
		if len(p.Waves) != len(wantNPS) {
			t.Fatalf("Build(%d): got %d waves, want %d", seed, len(p.Waves), len(wantNPS))
		}
		for i, w := range p.Waves {
			h := w.Histogram()
			num, n := 100*(h.Promoters()-h.Detractors()), h.N()
			if num%n != 0 {
				t.Errorf("Build(%d) wave %s: 100·(P−D)/n = %d/%d is not a whole number", seed, w.Name, num, n)
			}
			r, err := nps.Estimate(h, nps.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.NPS != wantNPS[i] {
				t.Errorf("Build(%d) wave %s: got NPS %v, want %v", seed, w.Name, r.NPS, wantNPS[i])
			}
		}
	}
}

func TestBuildShape(t *testing.T) {
	for _, seed := range seeds {
		p := Build(seed)
		checkPeople(t, seed, p)
		checkCustomers(t, seed, p)
		checkWaves(t, seed, p)
	}
}

func checkPeople(t *testing.T, seed int64, p Plan) {
	t.Helper()
	roles := map[nps.Role]int{}
	for _, u := range p.Users {
		roles[u.Role]++
		if !strings.HasSuffix(u.Email, "@demo.promotor.test") {
			t.Errorf("Build(%d): user email %s is not in the reserved demo domain", seed, u.Email)
		}
	}
	if p.Users[0].Role != nps.RoleOwner || roles[nps.RoleOwner] != 1 || roles[nps.RoleAnalyst] != 1 ||
		roles[nps.RoleMember] < 4 || roles[nps.RoleMember] > 6 {
		t.Errorf("Build(%d): got roles %v with %s first, want one owner first, one analyst and 4 to 6 members", seed, roles, p.Users[0].Role)
	}
	if len(p.Password) < 16 {
		t.Errorf("Build(%d): password %q is shorter than 16 characters", seed, p.Password)
	}
	if err := auth.ValidatePassword(p.Password); err != nil {
		t.Errorf("Build(%d): password %q: %v", seed, p.Password, err)
	}
}

func checkCustomers(t *testing.T, seed int64, p Plan) {
	t.Helper()
	if len(p.Accounts) != accountCount {
		t.Errorf("Build(%d): got %d accounts, want %d", seed, len(p.Accounts), accountCount)
	}
	if n := len(p.Contacts); n < 350 || n > 450 {
		t.Errorf("Build(%d): got %d contacts, want about 400", seed, n)
	}
	industries, regions, owners := map[string]bool{}, map[string]bool{}, map[int]bool{}
	names := map[string]bool{}
	for _, a := range p.Accounts {
		industries[a.Industry], regions[a.Region], owners[a.Owner] = true, true, true
		if names[a.Name] {
			t.Errorf("Build(%d): account name %q twice", seed, a.Name)
		}
		names[a.Name] = true
		if err := a.Validate(); err != nil {
			t.Errorf("Build(%d): account %s: %v", seed, a.Name, err)
		}
		if p.Users[a.Owner].Role != nps.RoleMember || p.Users[a.Owner].Region != a.Region {
			t.Errorf("Build(%d): account %s in %s is owned by %s, not an account manager of its region", seed, a.Name, a.Region, p.Users[a.Owner].Name)
		}
	}
	if len(industries) < 6 || len(regions) != 4 || len(owners) < 4 {
		t.Errorf("Build(%d): got %d industries, %d regions, %d owners; want at least 6, 4 and 4", seed, len(industries), len(regions), len(owners))
	}
	emails := map[string]bool{}
	english := 0
	for _, c := range p.Contacts {
		if err := c.Validate(); err != nil {
			t.Errorf("Build(%d): contact %s: %v", seed, c.Email, err)
		}
		if emails[c.Email] || !strings.HasSuffix(c.Email, "@"+p.Accounts[c.Account].Domain) {
			t.Errorf("Build(%d): contact email %s is taken or not at its company's domain", seed, c.Email)
		}
		emails[c.Email] = true
		if c.Language == "en" {
			english++
		}
	}
	if share := float64(english) / float64(len(p.Contacts)); share < 0.03 || share > 0.3 {
		t.Errorf("Build(%d): got %.0f%% English contacts, want mostly Dutch and some English", seed, 100*share)
	}
}

func checkWaves(t *testing.T, seed int64, p Plan) {
	t.Helper()
	for wi, w := range p.Waves {
		if w.Open() != (wi == len(p.Waves)-1) {
			t.Errorf("Build(%d) wave %s: open %v, want only the last one open", seed, w.Name, w.Open())
		}
		end := w.ClosesAt
		if w.Open() {
			end = p.Today
		}
		if rate := float64(len(w.Responses)) / float64(len(w.Invitations)); rate < 0.3 || rate > 0.6 {
			t.Errorf("Build(%d) wave %s: response rate %.2f, want 30 to 60%%", seed, w.Name, rate)
		}
		invited := map[int]bool{}
		for _, inv := range w.Invitations {
			if invited[inv.Contact] {
				t.Errorf("Build(%d) wave %s: contact %d invited twice", seed, w.Name, inv.Contact)
			}
			invited[inv.Contact] = true
			if a := p.Accounts[p.Contacts[inv.Contact].Account]; !a.ActiveAt(wi, w.OpensAt) {
				t.Errorf("Build(%d) wave %s: invited a contact of %s, which was not a customer then", seed, w.Name, a.Name)
			}
		}
		answered := map[int]bool{}
		for _, r := range w.Responses {
			if answered[r.Invitation] || w.Invitations[r.Invitation].Status != nps.InvitationResponded {
				t.Errorf("Build(%d) wave %s: invitation %d answered twice or not marked responded", seed, w.Name, r.Invitation)
			}
			answered[r.Invitation] = true
			if r.At.Before(w.OpensAt) || !r.At.Before(end) {
				t.Errorf("Build(%d) wave %s: response at %s outside %s to %s", seed, w.Name, r.At, w.OpensAt, end)
			}
			if len(r.Earlier) > 0 && !w.Open() {
				t.Errorf("Build(%d) wave %s: a closed wave has a changed answer", seed, w.Name)
			}
			if r.Language != p.Contacts[w.Invitations[r.Invitation].Contact].Language {
				t.Errorf("Build(%d) wave %s: response language %s is not the contact's", seed, w.Name, r.Language)
			}
		}
	}
	changed := 0
	for _, r := range p.Waves[len(p.Waves)-1].Responses {
		if len(r.Earlier) > 0 {
			changed++
		}
	}
	optedOut := 0
	for _, c := range p.Contacts {
		if c.OptsOut {
			optedOut++
		}
	}
	if optedOut != 3 {
		t.Errorf("Build(%d): got %d contacts opting out, want 3", seed, optedOut)
	}
	if changed != revisions {
		t.Errorf("Build(%d): got %d changed answers in the open wave, want %d", seed, changed, revisions)
	}
	checkChurn(t, seed, p)
}

// checkChurn checks that every churned account left after a detractor
// answer or after staying silent, before the next wave opened.
func checkChurn(t *testing.T, seed int64, p Plan) {
	t.Helper()
	churned := 0
	for ai, a := range p.Accounts {
		if a.Status != nps.AccountChurned {
			continue
		}
		churned++
		if a.ChurnedAt.After(p.Today) {
			t.Errorf("Build(%d): %s churns in the future, %s", seed, a.Name, a.ChurnedAt)
		}
		var detractorBefore, answered bool
		for _, w := range p.Waves {
			for _, r := range w.Responses {
				if p.Contacts[w.Invitations[r.Invitation].Contact].Account != ai {
					continue
				}
				answered = true
				if r.At.After(a.ChurnedAt) {
					t.Errorf("Build(%d): %s answered at %s, after it churned", seed, a.Name, r.At)
				}
				detractorBefore = detractorBefore || r.Category() == nps.Detractor
			}
		}
		if !detractorBefore && answered {
			t.Errorf("Build(%d): %s churned without a detractor answer before", seed, a.Name)
		}
	}
	if want := churners[0] + churners[1] + 1; churned != want {
		t.Errorf("Build(%d): got %d churned accounts, want %d", seed, churned, want)
	}
}

// TestBuildStory checks the article's story in the data: the accounts
// that were critical in the middle year, with whom improvement plans were
// made, are much more positive in the last year, and say so.
func TestBuildStory(t *testing.T) {
	for _, seed := range seeds {
		p := Build(seed)
		critical := map[int]bool{}
		var before nps.Histogram
		for _, r := range p.Waves[1].Responses {
			if r.Category() == nps.Detractor {
				critical[p.Contacts[p.Waves[1].Invitations[r.Invitation].Contact].Account] = true
			}
		}
		for _, r := range p.Waves[1].Responses {
			if critical[p.Contacts[p.Waves[1].Invitations[r.Invitation].Contact].Account] {
				before.Add(r.Score)
			}
		}
		var after nps.Histogram
		fixed := 0
		for _, r := range p.Waves[2].Responses {
			if critical[p.Contacts[p.Waves[2].Invitations[r.Invitation].Contact].Account] {
				after.Add(r.Score)
			}
			if strings.Contains(r.Comment, "vorig jaar") || strings.Contains(r.Comment, "verbeterplan") || strings.Contains(r.Comment, "last year") {
				fixed++
			}
		}
		b, _ := nps.Estimate(before, nps.Options{})
		a, _ := nps.Estimate(after, nps.Options{})
		if a.NPS-b.NPS < 40 {
			t.Errorf("Build(%d): the critical accounts of %s went from %s to %s, want a rise of at least 40 points", seed, p.Waves[1].Name, b.Format(), a.Format())
		}
		if fixed < 10 {
			t.Errorf("Build(%d): %d comments of the last wave mention last year's improvements, want at least 10", seed, fixed)
		}
	}
}

func TestBuildComments(t *testing.T) {
	for _, seed := range seeds {
		p := Build(seed)
		total, written, english := 0, 0, 0
		distinct := map[string]bool{}
		for _, w := range p.Waves {
			for _, r := range w.Responses {
				total++
				if r.Comment == "" {
					continue
				}
				written++
				distinct[r.Comment] = true
				if strings.ContainsAny(r.Comment, "{}") {
					t.Errorf("Build(%d): comment %q has an unfilled placeholder", seed, r.Comment)
				}
				if r.Language == "en" {
					english++
				}
			}
		}
		if share := float64(written) / float64(total); share < 0.6 || share > 0.9 {
			t.Errorf("Build(%d): %.0f%% of responses have a comment, want most but not all", seed, 100*share)
		}
		if share := float64(len(distinct)) / float64(written); share < 0.75 {
			t.Errorf("Build(%d): only %d of %d comments are distinct", seed, len(distinct), written)
		}
		if english == 0 {
			t.Errorf("Build(%d): no English comments", seed)
		}
	}
}

func TestLowerFirst(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"De facturen kloppen niet.", "de facturen kloppen niet."},
		{"ICT loopt achter.", "ICT loopt achter."},
		{"Één ding.", "één ding."},
	} {
		if got := lowerFirst(c.in); got != c.want {
			t.Errorf("lowerFirst(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPlanAt(t *testing.T) {
	p := Build(1)
	for _, c := range []struct {
		name  string
		now   time.Time
		years int
	}{
		{"at today", p.Today, 0},
		{"later that year", p.Today.AddDate(0, 11, 0), 0},
		{"a year later", p.Today.AddDate(1, 0, 1), 1},
		{"three years later", p.Today.AddDate(3, 2, 0), 3},
		{"before today", p.Today.Add(-time.Second), -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := p.At(c.now)
			if q.Today.After(c.now) || !q.Today.AddDate(1, 0, 0).After(c.now) {
				t.Errorf("At(%s): today %s is not within the year before", c.now, q.Today)
			}
			if !q.Today.Equal(p.Today.AddDate(c.years, 0, 0)) {
				t.Errorf("At(%s): got today %s, want %d years from %s", c.now, q.Today, c.years, p.Today)
			}
			for i, w := range q.Waves {
				if want := p.Waves[i].OpensAt.AddDate(c.years, 0, 0); !w.OpensAt.Equal(want) || w.Name != want.Format("2006") {
					t.Errorf("At(%s) wave %d: got %s opening %s, want %s", c.now, i, w.Name, w.OpensAt, want)
				}
				for _, r := range w.Responses {
					if r.At.After(c.now) {
						t.Errorf("At(%s): response at %s is in the future", c.now, r.At)
					}
				}
				if q.Waves[i].Histogram() != p.Waves[i].Histogram() {
					t.Errorf("At(%s) wave %d: the scores changed", c.now, i)
				}
			}
			if c.years != 0 && p.Waves[0].Name != "2024" {
				t.Errorf("At changed the plan it was called on: wave %s", p.Waves[0].Name)
			}
		})
	}
}

// TestBuildPlans checks the improvement plans: one per critical account
// of the middle wave that is still a customer, made after its answer,
// with every date before the last wave opened but an action in progress.
func TestBuildPlans(t *testing.T) {
	for _, seed := range seeds {
		p := Build(seed)
		mid, last := p.Waves[1], p.Waves[2]
		critical := map[int]time.Time{}
		for _, r := range mid.Responses {
			if r.Category() == nps.Detractor {
				ai := p.Contacts[mid.Invitations[r.Invitation].Contact].Account
				critical[ai] = r.At
			}
		}
		if len(p.Plans) < 10 {
			t.Errorf("Build(%d): %d plans, want one with each of the %d critical accounts still a customer", seed, len(p.Plans), len(critical))
		}
		seen := map[int]bool{}
		for _, pl := range p.Plans {
			at, ok := critical[pl.Account]
			if !ok || seen[pl.Account] || pl.Wave != 1 {
				t.Errorf("Build(%d): a plan of account %d, which was not critical in %s or has two plans", seed, pl.Account, mid.Name)
			}
			seen[pl.Account] = true
			if !pl.Made.After(at) || !pl.UpdateAt.After(pl.Made) || !pl.UpdateAt.Before(last.OpensAt) {
				t.Errorf("Build(%d): plan of %s made %v, update %v; want after the answer %v and before %v", seed, pl.Title, pl.Made, pl.UpdateAt, at, last.OpensAt)
			}
			if len(pl.Actions) < 2 {
				t.Errorf("Build(%d): plan of %s has %d actions, want 2 or 3", seed, pl.Title, len(pl.Actions))
			}
			going := false
			for _, a := range pl.Actions {
				if a.Done.IsZero() {
					going = true
				} else if !a.Done.After(pl.Made) || !a.Done.Before(last.OpensAt) {
					t.Errorf("Build(%d): an action of %s done %v, outside the year of the plan", seed, pl.Title, a.Done)
				}
			}
			if going != pl.Done.IsZero() {
				t.Errorf("Build(%d): plan of %s done %v with an action in progress %v", seed, pl.Title, pl.Done, going)
			}
		}
	}
}
