package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// exportFixture is a workspace with accounts of two members, an account
// without an owner, a consumer, an anonymous survey and analysed answers.
type exportFixture struct {
	*fixture
	other            nps.User
	globex, initech  nps.Account
	anonSurvey       nps.Survey
	anonWave         nps.Wave
	anna, bob, carol nps.Response // Acme, Globex, a consumer
	dave             nps.Response // Acme, the latest answer
	anon             nps.Response
}

func newExportFixture(t *testing.T, db *store.DB) *exportFixture {
	t.Helper()
	ctx := context.Background()
	f := &exportFixture{fixture: newFixture(t, db, "export")}
	ws := f.ws.ID
	f.other = must(db.CreateUser(ctx, nps.User{Email: "other@export.example"}))(t)
	must(db.AddMember(ctx, ws, f.other.ID, nps.RoleMember))(t)
	f.globex = must(db.CreateAccount(ctx, ws, nps.Account{ExternalID: "CRM-2", Name: "Globex", OwnerID: f.other.ID, Industry: "Energy"}))(t)
	f.initech = must(db.CreateAccount(ctx, ws, nps.Account{Name: "Initech"}))(t)
	bob := must(db.CreateContact(ctx, ws, nps.Contact{AccountID: f.globex.ID, Email: "bob@globex.example", Name: "Bob"}))(t)
	carol := must(db.CreateContact(ctx, ws, nps.Contact{Email: "carol@home.example", Name: "Carol"}))(t)
	dave := must(db.CreateContact(ctx, ws, nps.Contact{AccountID: f.account.ID, Email: "dave@acme.example"}))(t)
	anon := sampleSurvey()
	anon.Name, anon.Anonymous = "Event", true
	f.anonSurvey = must(db.CreateSurvey(ctx, ws, anon))(t)
	f.anonWave = must(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.anonSurvey.ID, Name: "Fair", OpensAt: t0}))(t)
	f.clock.add(24 * time.Hour)
	answer := func(wave, contact int64, score int, comment string, intent nps.SwitchIntent, at time.Duration) nps.Response {
		return must(db.RecordResponse(ctx, ws, nps.Response{WaveID: wave, ContactID: contact, Score: score, Comment: comment,
			Answers: nps.Answers{SwitchIntent: intent}, Language: "nl", Channel: nps.ChannelImport, CreatedAt: t0.Add(at)}))(t)
	}
	f.anna = answer(f.wave.ID, f.contact.ID, 9, `#support =HYPERLINK("http://x","y")`, nps.SwitchUnsure, time.Hour)
	f.bob = answer(f.wave.ID, bob.ID, 3, "#support #price bad", nps.SwitchYes, 2*time.Hour)
	f.carol = answer(f.wave.ID, carol.ID, 7, "", "", 3*time.Hour)
	f.dave = answer(f.wave.ID, dave.ID, 4, "-2+3", "", 5*time.Hour)
	f.anon = answer(f.anonWave.ID, 0, 10, "#support", "", 4*time.Hour)
	analyseAll(t, db, ws)
	if err := db.AddTag(ctx, ws, f.bob.ID, "call-back", f.owner.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UpsertAccountRevenue(ctx, ws, []nps.AccountRevenue{
		{AccountID: f.account.ID, Year: 2025, RevenueCents: 130_000_00}, {AccountID: f.account.ID, Year: 2024, RevenueCents: 125_000_00}}); err != nil {
		t.Fatal(err)
	}
	return f
}

// exportedResponses collects what ExportResponses gives for fl.
func exportedResponses(t *testing.T, db *store.DB, ws int64, fl store.ResponseFilter) []store.ExportedResponse {
	t.Helper()
	var out []store.ExportedResponse
	if err := db.ExportResponses(context.Background(), ws, fl, func(r store.ExportedResponse) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatalf("ExportResponses(%+v): %v", fl, err)
	}
	return out
}

func TestExportResponses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newExportFixture(t, db)
		ws := f.ws.ID

		all := exportedResponses(t, db, ws, store.ResponseFilter{})
		var ids []int64
		for _, r := range all {
			ids = append(ids, r.ID)
		}
		// Oldest first, by the time of the first answer.
		if want := []int64{f.anna.ID, f.bob.ID, f.carol.ID, f.anon.ID, f.dave.ID}; !slices.Equal(ids, want) {
			t.Fatalf("exported IDs: got %v, want %v", ids, want)
		}
		anna := all[0]
		want := store.ExportedResponse{ID: f.anna.ID, SurveyID: f.survey.ID, WaveID: f.wave.ID, Survey: "Relationship NPS", Wave: "2025",
			AnsweredAt: t0.Add(time.Hour), Score: 9, Comment: `#support =HYPERLINK("http://x","y")`, ContactEmail: "anna@acme.example",
			ContactName: "Anna", AccountExternalID: "CRM-1", AccountName: "Acme", Owner: "Owner", SwitchIntent: nps.SwitchUnsure,
			Themes: []string{"support"}, Sentiment: nps.Positive, Language: "nl"}
		if fmt.Sprint(anna) != fmt.Sprint(want) || anna.Category() != nps.Promoter {
			t.Errorf("Anna's answer:\n got %+v\nwant %+v", anna, want)
		}
		bob := all[1]
		if !slices.Equal(bob.Themes, []string{"price", "support"}) || bob.Sentiment != nps.Negative || bob.Owner != "other@export.example" ||
			bob.SwitchIntent != nps.SwitchYes || bob.AccountName != "Globex" {
			t.Errorf("Bob's answer: got %+v, want two themes in order, negative, owned by other@export.example, switching", bob)
		}
		if carol := all[2]; carol.AccountName != "" || carol.Owner != "" || carol.ContactEmail != "carol@home.example" || carol.Themes != nil || carol.Sentiment != "" {
			t.Errorf("Carol's answer (a consumer, no comment): got %+v", carol)
		}
		if anon := all[3]; anon.ContactEmail != "" || anon.ContactName != "" || anon.AccountName != "" || anon.Survey != "Event" {
			t.Errorf("the anonymous answer: got %+v, want no identity", anon)
		}

		// Every filter selects what the feed's does.
		filters := map[string]store.ResponseFilter{
			"survey":    {SurveyID: f.survey.ID},
			"wave":      {WaveID: f.anonWave.ID},
			"owner":     {OwnerID: f.owner.ID},
			"other":     {OwnerID: f.other.ID, WaveID: f.wave.ID},
			"segment":   {Segment: store.Segment{Attribute: "Contract type", Value: "enterprise"}},
			"industry":  {Segment: store.Segment{Attribute: "industry", Value: "Energy"}},
			"detractor": {Category: "detractor"},
			"passive":   {Category: "passive", SurveyID: f.survey.ID},
			"comment":   {HasComment: true},
			"search":    {Search: "price"},
			"search 2":  {Search: "support", SurveyID: f.survey.ID},
			"tag":       {Tag: "call-back"},
			"theme":     {Theme: "support"},
			"sentiment": {Sentiment: nps.Negative},
			"account":   {AccountID: f.account.ID},
			"id":        {ID: f.carol.ID},
			"paged":     {Limit: 1, After: store.ResponseCursor{CreatedAt: t0, ID: 1}},
		}
		for name, fl := range filters {
			var got []int64
			for _, r := range exportedResponses(t, db, ws, fl) {
				got = append(got, r.ID)
			}
			feed := fl
			feed.Limit, feed.After = store.MaxResponsePage, store.ResponseCursor{}
			page := must(db.LatestResponses(ctx, ws, feed))(t)
			var want []int64
			for _, r := range page.Responses {
				want = append(want, r.ID)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || len(got) == 0 {
				t.Errorf("%s (%+v): exported %v, the feed lists %v", name, fl, got, want)
			}
		}
		if got := exportedResponses(t, db, ws, store.ResponseFilter{OwnerID: f.other.ID}); len(got) != 1 || got[0].ID != f.bob.ID {
			t.Errorf("the other member's export: got %d responses, want Bob's only", len(got))
		}

		// The caller's error stops the export at once.
		stop := errors.New("stop")
		calls := 0
		err := db.ExportResponses(ctx, ws, store.ResponseFilter{}, func(store.ExportedResponse) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("a failing callback: got %v after %d calls, want stop after 1", err, calls)
		}
		for name, fl := range map[string]store.ResponseFilter{
			"category": {Category: "fans"}, "search": {Search: "!!"}, "sentiment": {Sentiment: "angry"},
			"segment": {Segment: store.Segment{Attribute: string(make([]byte, 101)), Value: "x"}},
		} {
			var ve *nps.ValidationError
			if err := db.ExportResponses(ctx, ws, fl, func(store.ExportedResponse) error { return nil }); !errors.As(err, &ve) {
				t.Errorf("%s: got %v, want a validation error", name, err)
			}
		}
	})
}

func TestExportAccounts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newExportFixture(t, db)
		ws := f.ws.ID
		collect := func(fl store.AccountExportFilter) []store.ExportedAccount {
			t.Helper()
			var out []store.ExportedAccount
			if err := db.ExportAccounts(ctx, ws, fl, func(a store.ExportedAccount) error { out = append(out, a); return nil }); err != nil {
				t.Fatalf("ExportAccounts(%+v): %v", fl, err)
			}
			return out
		}
		cols := must(db.AccountExportColumns(ctx, ws, store.AccountExportFilter{}))(t)
		if !slices.Equal(cols.Attributes, []string{"Contract type"}) || !slices.Equal(cols.Years, []int{2024, 2025}) {
			t.Errorf("columns: got %+v, want the custom attribute and 2024, 2025", cols)
		}
		if cols := must(db.AccountExportColumns(ctx, ws, store.AccountExportFilter{OwnerID: f.other.ID}))(t); len(cols.Years) != 0 {
			t.Errorf("the other member's revenue years: got %v, want none", cols.Years)
		}

		all := collect(store.AccountExportFilter{})
		if len(all) != 3 || all[0].Name != "Acme" || all[1].Name != "Globex" || all[2].Name != "Initech" {
			t.Fatalf("accounts: got %+v, want Acme, Globex, Initech", all)
		}
		acme := all[0]
		if acme.Owner != "Owner" || acme.Industry != "Retail" || acme.Attributes["Contract type"] != "enterprise" ||
			acme.Revenue[2024] != 125_000_00 || acme.Revenue[2025] != 130_000_00 || len(acme.Revenue) != 2 ||
			!acme.LastAnswer.Equal(t0.Add(5*time.Hour)) || acme.LatestScore != 4 || !acme.Answered() {
			t.Errorf("Acme: got %+v, want its owner, attributes, two years and Dave's latest 4", acme)
		}
		if g := all[1]; g.Owner != "other@export.example" || g.LatestScore != 3 || len(g.Revenue) != 0 {
			t.Errorf("Globex: got %+v", g)
		}
		if i := all[2]; i.Answered() || i.Owner != "" || i.LatestScore != 0 {
			t.Errorf("Initech, which never answered: got %+v", i)
		}
		if got := collect(store.AccountExportFilter{OwnerID: f.other.ID}); len(got) != 1 || got[0].ID != f.globex.ID {
			t.Errorf("the other member's accounts: got %+v, want Globex only", got)
		}
		if got := collect(store.AccountExportFilter{Segment: store.Segment{Attribute: "Contract type", Value: "enterprise"}}); len(got) != 1 || got[0].ID != f.account.ID {
			t.Errorf("the segment's accounts: got %+v, want Acme only", got)
		}
		// The last answer of the anonymous survey: none of the accounts.
		for _, a := range collect(store.AccountExportFilter{SurveyID: f.anonSurvey.ID}) {
			if a.Answered() {
				t.Errorf("%s in the anonymous survey: answered at %v, want never", a.Name, a.LastAnswer)
			}
		}
		stop := errors.New("stop")
		if err := db.ExportAccounts(ctx, ws, store.AccountExportFilter{}, func(store.ExportedAccount) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("a failing callback: got %v, want stop", err)
		}
		var ve *nps.ValidationError
		if err := db.ExportAccounts(ctx, ws, store.AccountExportFilter{Segment: store.Segment{Attribute: string(make([]byte, 101))}},
			func(store.ExportedAccount) error { return nil }); !errors.As(err, &ve) {
			t.Errorf("a bad segment: got %v, want a validation error", err)
		}
	})
}

func TestExportAggregates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newExportFixture(t, db)
		ws := f.ws.ID
		// A wave made later that opened earlier, and one without answers.
		early := must(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.survey.ID, Name: "2024", OpensAt: t0.AddDate(-1, 0, 0)}))(t)
		must(db.RecordResponse(ctx, ws, nps.Response{WaveID: early.ID, ContactID: f.contact.ID, Score: 10, Channel: nps.ChannelImport,
			CreatedAt: t0.AddDate(-1, 0, 1)}))(t)
		empty := must(db.CreateWave(ctx, ws, nps.Wave{SurveyID: f.survey.ID, Name: "2026", OpensAt: t0.AddDate(1, 0, 0)}))(t)
		collect := func(fl store.AggregateFilter) []store.ExportedAggregate {
			t.Helper()
			var out []store.ExportedAggregate
			if err := db.ExportAggregates(ctx, ws, fl, func(a store.ExportedAggregate) error { out = append(out, a); return nil }); err != nil {
				t.Fatalf("ExportAggregates(%+v): %v", fl, err)
			}
			return out
		}
		rows := collect(store.AggregateFilter{})
		var names []string
		for _, r := range rows {
			names = append(names, r.Survey+"/"+r.Wave)
		}
		if want := []string{"Relationship NPS/2024", "Relationship NPS/2025", "Relationship NPS/2026", "Event/Fair"}; !slices.Equal(names, want) {
			t.Fatalf("waves: got %v, want %v", names, want)
		}
		w25 := rows[1]
		if w25.Histogram != (nps.Histogram{3: 1, 4: 1, 7: 1, 9: 1}) || w25.Result.N != 4 || w25.Result.NPS != -25 ||
			w25.Result.Population != 40 || w25.Result.Low >= -25 || w25.Result.High <= -25 {
			t.Errorf("2025: got %+v, want 4 answers at -25 for a population of 40", w25)
		}
		if !rows[2].Result.Empty() || rows[2].WaveID != empty.ID {
			t.Errorf("a wave without answers: got %+v, want an empty figure", rows[2])
		}
		if got := collect(store.AggregateFilter{WaveID: f.wave.ID, OwnerID: f.owner.ID}); len(got) != 1 ||
			got[0].Histogram != (nps.Histogram{4: 1, 9: 1}) || got[0].Result.Population != 0 {
			t.Errorf("the owner's 2025: got %+v, want Acme's two answers, without the population", got)
		}
		byOwner := map[string]nps.Histogram{}
		for _, r := range collect(store.AggregateFilter{WaveID: f.wave.ID, By: store.GroupBy{Dimension: store.GroupOwner}}) {
			byOwner[r.Group] = r.Histogram
			if r.Result.Population != 0 || r.Wave != "2025" {
				t.Errorf("group %q: got %+v, want no population, in 2025", r.Group, r)
			}
		}
		if want := map[string]nps.Histogram{"Owner": {4: 1, 9: 1}, "other@export.example": {3: 1}, "": {7: 1}}; fmt.Sprint(byOwner) != fmt.Sprint(want) {
			t.Errorf("by owner: got %v, want %v", byOwner, want)
		}
		bySegment := map[string]int64{}
		for _, r := range collect(store.AggregateFilter{SurveyID: f.survey.ID, By: store.GroupBy{Dimension: store.GroupSegment, Attribute: "industry"}}) {
			bySegment[r.Wave+"/"+r.Group] += r.Result.N
		}
		if want := map[string]int64{"2024/Retail": 1, "2025/Retail": 2, "2025/Energy": 1, "2025/": 1}; fmt.Sprint(bySegment) != fmt.Sprint(want) {
			t.Errorf("by industry: got %v, want %v", bySegment, want)
		}
		for name, fl := range map[string]store.AggregateFilter{
			"dimension": {By: store.GroupBy{Dimension: store.GroupMonth}},
			"attribute": {By: store.GroupBy{Dimension: store.GroupSegment}},
			"segment":   {Segment: store.Segment{Attribute: string(make([]byte, 101)), Value: "x"}},
		} {
			var ve *nps.ValidationError
			if err := db.ExportAggregates(ctx, ws, fl, func(store.ExportedAggregate) error { return nil }); !errors.As(err, &ve) {
				t.Errorf("%s: got %v, want a validation error", name, err)
			}
		}
		stop := errors.New("stop")
		if err := db.ExportAggregates(ctx, ws, store.AggregateFilter{}, func(store.ExportedAggregate) error { return stop }); !errors.Is(err, stop) {
			t.Errorf("a failing callback: got %v, want stop", err)
		}
	})
}
