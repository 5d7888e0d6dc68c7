package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// dashFixture adds to the fixture a second owner with an account in
// another industry, contacts in Dutch and English, and answers with
// comments in both languages.
type dashFixture struct {
	*fixture
	other        nps.User
	otherAccount nps.Account
	responses    map[string]int64 // by comment
}

func newDashFixture(t *testing.T, db *store.DB, slug string) *dashFixture {
	t.Helper()
	ctx := context.Background()
	f := &dashFixture{fixture: newFixture(t, db, slug), responses: map[string]int64{}}
	f.other = must(db.CreateUser(ctx, nps.User{Email: "other@" + slug + ".example", Name: "Other"}))(t)
	must(db.AddMember(ctx, f.ws.ID, f.other.ID, nps.RoleMember))(t)
	f.otherAccount = must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Zorggroep", OwnerID: f.other.ID, Industry: "Zorg",
		Attributes: map[string]string{"tier": "gold"}, AnnualRevenueCents: 100_000_00}))(t)
	for i, a := range []struct {
		account nps.Account
		email   string
		lang    string
		score   int
		comment string
	}{
		{f.account, "a1@x.example", "nl", 10, "De leveringen kwamen altijd op tijd"},
		{f.account, "a2@x.example", "en", 9, "Deliveries were quick and friendly"},
		{f.account, "a3@x.example", "en", 3, "The invoice was wrong twice"},
		{f.otherAccount, "b1@x.example", "nl", 2, "Slechte levering, facturen kloppen niet"},
		{f.otherAccount, "b2@x.example", "nl", 7, ""},
	} {
		c := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: a.account.ID, Email: a.email, Language: a.lang,
			Attributes: map[string]string{"role": []string{"buyer", "user"}[i%2]}}))(t)
		r := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: a.score,
			Comment: a.comment, Language: a.lang, Channel: nps.ChannelLink}))(t)
		f.responses[a.comment] = r.ID
		f.clock.add(time.Hour)
	}
	return f
}

func TestResponseFeedFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDashFixture(t, db, "feed")
		intruder := newDashFixture(t, db, "intruder")
		list := func(filter store.ResponseFilter) []string {
			t.Helper()
			page, err := db.LatestResponses(ctx, f.ws.ID, filter)
			if err != nil {
				t.Fatalf("%+v: %v", filter, err)
			}
			var got []string
			for _, r := range page.Responses {
				got = append(got, r.Comment)
			}
			return got
		}
		for _, c := range []struct {
			name   string
			filter store.ResponseFilter
			want   []string
		}{
			{"all, newest first", store.ResponseFilter{}, []string{"", "Slechte levering, facturen kloppen niet",
				"The invoice was wrong twice", "Deliveries were quick and friendly", "De leveringen kwamen altijd op tijd"}},
			{"detractors", store.ResponseFilter{Category: "detractor"}, []string{"Slechte levering, facturen kloppen niet", "The invoice was wrong twice"}},
			{"promoters of the wave", store.ResponseFilter{WaveID: f.wave.ID, Category: "promoter"}, []string{"Deliveries were quick and friendly", "De leveringen kwamen altijd op tijd"}},
			{"with a comment, of one owner", store.ResponseFilter{OwnerID: f.other.ID, HasComment: true}, []string{"Slechte levering, facturen kloppen niet"}},
			{"segment", store.ResponseFilter{Segment: store.Segment{Attribute: "industry", Value: "Zorg"}}, []string{"", "Slechte levering, facturen kloppen niet"}},
			{"custom segment", store.ResponseFilter{Segment: store.Segment{Attribute: "tier", Value: "gold"}}, []string{"", "Slechte levering, facturen kloppen niet"}},
			// English stemming: "delivery" finds "Deliveries".
			{"search, English stem", store.ResponseFilter{Search: "delivery"}, []string{"Deliveries were quick and friendly"}},
			// Every word as a prefix: "levering" finds "leveringen" and "levering".
			{"search, Dutch prefix", store.ResponseFilter{Search: "levering"}, []string{"Slechte levering, facturen kloppen niet", "De leveringen kwamen altijd op tijd"}},
			{"search, two words", store.ResponseFilter{Search: "Levering FACTUREN"}, []string{"Slechte levering, facturen kloppen niet"}},
			{"search, diacritics and punctuation", store.ResponseFilter{Search: `"invoice" (wrong)* --`}, []string{"The invoice was wrong twice"}},
			{"search and category", store.ResponseFilter{Search: "levering", Category: "promoter"}, []string{"De leveringen kwamen altijd op tijd"}},
			{"one response", store.ResponseFilter{ID: f.responses["The invoice was wrong twice"]}, []string{"The invoice was wrong twice"}},
			{"another workspace's response", store.ResponseFilter{ID: intruder.responses["The invoice was wrong twice"]}, nil},
		} {
			if got := list(c.filter); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: got %q, want %q", c.name, got, c.want)
			}
		}
		for _, bad := range []store.ResponseFilter{{Category: "fan"}, {Search: "!!!"}, {Search: "a b c d e f g h i j k"}, {Tag: " "}} {
			if _, err := db.LatestResponses(ctx, f.ws.ID, bad); !isValidation(err) {
				t.Errorf("%+v: got %v, want a validation error", bad, err)
			}
		}
		// Whether the search finds its matches by walking or, past the
		// walk, in the index, the pages are the same.
		for _, walk := range []int{1, 2, 100} {
			restore := store.SetSearchWalk(walk)
			if got := list(store.ResponseFilter{Search: "levering"}); !reflect.DeepEqual(got, []string{"Slechte levering, facturen kloppen niet", "De leveringen kwamen altijd op tijd"}) {
				t.Errorf("search walking %d responses: got %q", walk, got)
			}
			restore()
		}
		// A search pages by the order of recording.
		first := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{Search: "levering", Limit: 1}))(t)
		second := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{Search: "levering", Limit: 1, After: first.Next}))(t)
		if len(first.Responses) != 1 || len(second.Responses) != 1 || !second.Next.IsZero() ||
			first.Responses[0].Comment != "Slechte levering, facturen kloppen niet" || second.Responses[0].Comment != "De leveringen kwamen altijd op tijd" {
			t.Errorf("search pages: %+v then %+v", first, second)
		}
		// The search index follows changed and new comments.
		id := f.responses["The invoice was wrong twice"]
		resp := must(db.Response(ctx, f.ws.ID, id))(t)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: resp.ContactID, Score: 8,
			Comment: "Invoicing is fixed now", Language: "en", Channel: nps.ChannelLink}))(t)
		if got := list(store.ResponseFilter{Search: "wrong"}); got != nil {
			t.Errorf("after the change, the old comment is still found: %q", got)
		}
		if got := list(store.ResponseFilter{Search: "fixed"}); !reflect.DeepEqual(got, []string{"Invoicing is fixed now"}) {
			t.Errorf("after the change: got %q", got)
		}
	})
}

func isValidation(err error) bool {
	var ve *nps.ValidationError
	return errors.As(err, &ve)
}

func TestTagsAndBenchmarks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDashFixture(t, db, "tags")
		other := newDashFixture(t, db, "othertags")
		id := f.responses["The invoice was wrong twice"]
		for _, tag := range []string{"Invoicing", " invoicing ", "urgent"} {
			if err := db.AddTag(ctx, f.ws.ID, id, tag, f.owner.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddTag(ctx, f.ws.ID, other.responses["The invoice was wrong twice"], "x", f.owner.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("tagging another workspace's response: got %v, want not found", err)
		}
		if err := db.AddTag(ctx, f.ws.ID, id, "", f.owner.ID); !isValidation(err) {
			t.Errorf("empty tag: got %v", err)
		}
		tags := must(db.TagsOf(ctx, f.ws.ID, []int64{id, other.responses["The invoice was wrong twice"]}))(t)
		if !reflect.DeepEqual(tags, map[int64][]string{id: {"invoicing", "urgent"}}) {
			t.Errorf("TagsOf = %v", tags)
		}
		page := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{Tag: "Urgent"}))(t)
		if len(page.Responses) != 1 || page.Responses[0].ID != id {
			t.Errorf("tag filter: got %d responses", len(page.Responses))
		}
		if err := db.RemoveTag(ctx, f.ws.ID, id, "urgent"); err != nil {
			t.Fatal(err)
		}
		if names := must(db.TagNames(ctx, f.ws.ID))(t); !reflect.DeepEqual(names, []string{"invoicing"}) {
			t.Errorf("TagNames = %v", names)
		}

		b := must(db.CreateBenchmark(ctx, f.ws.ID, nps.Benchmark{Name: " IT services NL 2025 ", NPS: 31, Low: 25, High: 37, HasInterval: true, N: 400, Source: "Sector study"}))(t)
		for _, bad := range []nps.Benchmark{{Name: "", NPS: 1}, {Name: "x", NPS: 101}, {Name: "x", NPS: 10, Low: 20, High: 30, HasInterval: true}, {Name: "x", N: -1}} {
			if _, err := db.CreateBenchmark(ctx, f.ws.ID, bad); !isValidation(err) {
				t.Errorf("%+v: got %v, want a validation error", bad, err)
			}
		}
		got := must(db.Benchmarks(ctx, f.ws.ID))(t)
		if len(got) != 1 || got[0].Name != "IT services NL 2025" || got[0].Low != 25 || !got[0].HasInterval || got[0].N != 400 {
			t.Errorf("Benchmarks = %+v", got)
		}
		if err := db.DeleteBenchmark(ctx, other.ws.ID, b.ID); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("deleting from another workspace: got %v, want not found", err)
		}
		if err := db.DeleteBenchmark(ctx, f.ws.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if got := must(db.Benchmarks(ctx, f.ws.ID))(t); len(got) != 0 {
			t.Errorf("after delete: %+v", got)
		}
	})
}

func TestAccountFiguresAndCoverage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDashFixture(t, db, "figures")
		silent := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Stil BV", AnnualRevenueCents: 900_000_00}))(t)
		figures := must(db.AccountFigures(ctx, f.ws.ID, store.AccountFigureFilter{SurveyID: f.survey.ID, WaveID: f.wave.ID}))(t)
		if len(figures) != 2 || figures[0].Account.Name != "Acme" || figures[0].Histogram != (nps.Histogram{3: 1, 9: 1, 10: 1}) ||
			figures[1].Histogram != (nps.Histogram{2: 1, 7: 1}) {
			t.Errorf("AccountFigures = %+v", figures)
		}
		own := must(db.AccountFigures(ctx, f.ws.ID, store.AccountFigureFilter{SurveyID: f.survey.ID, WaveID: f.wave.ID, OwnerID: f.other.ID}))(t)
		if len(own) != 1 || own[0].Account.ID != f.otherAccount.ID {
			t.Errorf("AccountFigures of one owner = %+v", own)
		}
		gold := must(db.AccountFigures(ctx, f.ws.ID, store.AccountFigureFilter{SurveyID: f.survey.ID, WaveID: f.wave.ID,
			Segment: store.Segment{Attribute: "tier", Value: "gold"}}))(t)
		if len(gold) != 1 || gold[0].Account.ID != f.otherAccount.ID {
			t.Errorf("AccountFigures of segment tier=gold = %+v", gold)
		}
		last := must(db.LastAnswers(ctx, f.ws.ID, []int64{f.account.ID, f.otherAccount.ID, silent.ID}))(t)
		if len(last) != 2 || !last[f.otherAccount.ID].Equal(t0.Add(4*time.Hour)) {
			t.Errorf("LastAnswers = %v", last)
		}

		// No invitations: the base is the active accounts.
		c := must(db.WaveCoverage(ctx, f.ws.ID, f.wave.ID, 0, 10))(t)
		if c.Invited != 0 || c.Accounts != 3 || c.AnsweredAccounts != 2 || c.SilentCount != 1 || len(c.Silent) != 1 ||
			c.Silent[0].ID != silent.ID || c.RevenueCents != 12_500_000_00+100_000_00+900_000_00 || c.AnsweredRevenueCents != 12_500_000_00+100_000_00 {
			t.Errorf("coverage without invitations = %+v", c)
		}
		// Invitations: the base is the invited contacts' accounts.
		quiet := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: silent.ID, Email: "q@x.example"}))(t)
		must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, quiet.ID))(t)
		must(db.CreateInvitation(ctx, f.ws.ID, f.wave.ID, f.contact.ID))(t)
		c = must(db.WaveCoverage(ctx, f.ws.ID, f.wave.ID, 0, 10))(t)
		if c.Invited != 2 || c.Answered != 0 || c.Accounts != 2 || c.AnsweredAccounts != 1 || c.SilentCount != 1 {
			t.Errorf("coverage with invitations = %+v", c)
		}
		c = must(db.WaveCoverage(ctx, f.ws.ID, f.wave.ID, f.other.ID, 10))(t)
		if c.Invited != 0 || c.Accounts != 1 {
			t.Errorf("coverage of an owner without invited accounts = %+v", c)
		}

		// Breakdowns by owner, by a custom attribute and by contacts.
		groups := must(db.Histograms(ctx, f.ws.ID, store.HistogramFilter{WaveID: f.wave.ID}, store.GroupBy{Dimension: store.GroupOwner}))(t)
		if len(groups) != 2 || groups[0].Histogram.N()+groups[1].Histogram.N() != 5 {
			t.Errorf("by owner = %+v", groups)
		}
		seg := must(db.Histogram(ctx, f.ws.ID, store.HistogramFilter{WaveID: f.wave.ID, Segment: store.Segment{Attribute: "tier", Value: "gold"}}))(t)
		if seg != (nps.Histogram{2: 1, 7: 1}) {
			t.Errorf("segment tier=gold = %v", seg)
		}
		byRole := must(db.ContactHistograms(ctx, f.ws.ID, store.HistogramFilter{WaveID: f.wave.ID}, "role"))(t)
		want := []store.Group{{Key: "buyer", Histogram: nps.Histogram{10: 1, 3: 1, 7: 1}}, {Key: "user", Histogram: nps.Histogram{9: 1, 2: 1}}}
		if !reflect.DeepEqual(byRole, want) {
			t.Errorf("by contact role = %+v, want %+v", byRole, want)
		}
		byLang := must(db.ContactHistograms(ctx, f.ws.ID, store.HistogramFilter{WaveID: f.wave.ID, OwnerID: f.other.ID}, "language"))(t)
		if len(byLang) != 1 || byLang[0].Key != "nl" || byLang[0].Histogram.N() != 2 {
			t.Errorf("by contact language of one owner = %+v", byLang)
		}
		answers := must(db.AccountContactAnswers(ctx, f.ws.ID, f.otherAccount.ID, f.survey.ID, 10))(t)
		if len(answers) != 2 || len(answers[0].Answers) != 1 || answers[0].Answers[0].Score != 2 {
			t.Errorf("AccountContactAnswers = %+v", answers)
		}
		names := must(db.AttributeNames(ctx, f.ws.ID, "accounts"))(t)
		if !reflect.DeepEqual(names, []string{"Contract type", "tier"}) {
			t.Errorf("account attribute names = %v", names)
		}
		if values := must(db.SegmentValues(ctx, f.ws.ID, "industry"))(t); !reflect.DeepEqual(values, []string{"Retail", "Zorg"}) {
			t.Errorf("industry values = %v", values)
		}
		members := must(db.Members(ctx, f.ws.ID))(t)
		if len(members) != 2 || members[0].User.Name != "Other" || members[1].Role != nps.RoleMember {
			t.Errorf("Members = %+v", members)
		}
		// An answer without a contact counts in the group without a value.
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 5, Channel: nps.ChannelAPI}))(t)
		byRole = must(db.ContactHistograms(ctx, f.ws.ID, store.HistogramFilter{SurveyID: f.survey.ID, WaveID: f.wave.ID}, "role"))(t)
		if want := append([]store.Group{{Key: "", Histogram: nps.Histogram{5: 1}}}, want...); !reflect.DeepEqual(byRole, want) {
			t.Errorf("by contact role with an anonymous answer = %+v, want %+v", byRole, want)
		}
		if err := db.SetUserLanguage(ctx, f.other.ID, "nl"); err != nil {
			t.Fatal(err)
		}
		if u := must(db.User(ctx, f.other.ID))(t); u.Language != "nl" {
			t.Errorf("language = %q, want nl", u.Language)
		}
	})
}
