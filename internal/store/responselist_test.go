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

func TestLatestResponses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "list")
		other := must(db.CreateUser(ctx, nps.User{Email: "other@list.example", Name: "Other"}))(t)
		must(db.AddMember(ctx, f.ws.ID, other.ID, nps.RoleMember))(t)
		otherAccount := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Globex", OwnerID: other.ID}))(t)
		noOwner := must(db.CreateAccount(ctx, f.ws.ID, nps.Account{Name: "Initech"}))(t)

		// Seven responses: contacts of f.account (owned by f.owner) at even
		// positions, of the other accounts at odd ones; two share a time,
		// so that the ID must break the tie.
		accounts := []nps.Account{f.account, otherAccount, f.account, noOwner, f.account, otherAccount, f.account}
		f.clock.add(24 * time.Hour)
		var all []nps.Response
		for i, a := range accounts {
			c := must(db.CreateContact(ctx, f.ws.ID, nps.Contact{AccountID: a.ID, Email: fmt.Sprintf("c%d@list.example", i), Name: fmt.Sprintf("Contact %d", i)}))(t)
			at := t0.Add(time.Duration(i) * time.Hour)
			if i == 4 {
				at = t0.Add(3 * time.Hour)
			}
			r := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{
				WaveID: f.wave.ID, ContactID: c.ID, Score: i, Comment: fmt.Sprintf("comment %d", i),
				Channel: nps.ChannelImport, CreatedAt: at,
			}))(t)
			all = append(all, r)
		}
		newestFirst := slices.Clone(all)
		slices.SortFunc(newestFirst, func(a, b nps.Response) int {
			if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
				return c
			}
			return int(b.ID - a.ID)
		})

		// Pages of 3 walk the whole list in order, each response once.
		var got []int64
		filter := store.ResponseFilter{WaveID: f.wave.ID, Limit: 3}
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			page := must(db.LatestResponses(ctx, f.ws.ID, filter))(t)
			for _, r := range page.Responses {
				got = append(got, r.ID)
			}
			if page.Next.IsZero() {
				break
			}
			filter.After = page.Next
		}
		var want []int64
		for _, r := range newestFirst {
			want = append(want, r.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged IDs: got %v, want %v", got, want)
		}

		first := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{WaveID: f.wave.ID}))(t)
		if len(first.Responses) != 7 || !first.Next.IsZero() {
			t.Fatalf("default page: got %d responses, next %+v; want 7 and no next", len(first.Responses), first.Next)
		}
		top := first.Responses[0]
		if top.ID != all[6].ID || top.ContactName != "Contact 6" || top.ContactEmail != "c6@list.example" ||
			top.AccountName != "Acme" || top.Comment != "comment 6" || top.Score != 6 || top.Revision != 1 {
			t.Errorf("newest response: got %+v, want response 6 of Contact 6 at Acme", top)
		}

		// A member sees only the accounts they own.
		mine := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{WaveID: f.wave.ID, OwnerID: f.owner.ID}))(t)
		var scores []int
		for _, r := range mine.Responses {
			scores = append(scores, r.Score)
		}
		if !slices.Equal(scores, []int{6, 4, 2, 0}) {
			t.Errorf("owner filter: got scores %v, want [6 4 2 0]", scores)
		}

		// Another workspace sees nothing of this wave.
		g := newFixture(t, db, "elsewhere")
		if page := must(db.LatestResponses(ctx, g.ws.ID, store.ResponseFilter{WaveID: f.wave.ID}))(t); len(page.Responses) != 0 {
			t.Errorf("another workspace: got %d responses, want none", len(page.Responses))
		}

		for _, bad := range []store.ResponseFilter{{WaveID: f.wave.ID, Limit: -1}, {WaveID: f.wave.ID, Limit: store.MaxResponsePage + 1}} {
			var ve *nps.ValidationError
			if _, err := db.LatestResponses(ctx, f.ws.ID, bad); !errors.As(err, &ve) {
				t.Errorf("LatestResponses(%+v): got %v, want a ValidationError", bad, err)
			}
		}
	})
}

// An anonymous survey's responses list without names.
func TestLatestResponsesAnonymous(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "anon")
		s := sampleSurvey()
		s.Anonymous = true
		s = must(db.CreateSurvey(ctx, f.ws.ID, s))(t)
		w := must(db.CreateWave(ctx, f.ws.ID, nps.Wave{SurveyID: s.ID, Name: "open", OpensAt: t0}))(t)
		must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: w.ID, Score: 9, Comment: "<b>fine</b>", Channel: nps.ChannelLink}))(t)
		page := must(db.LatestResponses(ctx, f.ws.ID, store.ResponseFilter{WaveID: w.ID}))(t)
		if len(page.Responses) != 1 {
			t.Fatalf("got %d responses, want 1", len(page.Responses))
		}
		if r := page.Responses[0]; r.ContactName != "" || r.AccountName != "" || r.Comment != "<b>fine</b>" {
			t.Errorf("anonymous response: got %+v, want no names and the comment as stored", r)
		}
	})
}
