package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// BenchmarkDigestMail writes an owner's weekly digest of a workspace with
// two surveys of three waves (120 answers each, all of them new, about
// two thirds detractors): "drawn" draws its two charts, as the run's
// first digest of the workspace does, "cached" reuses them, as the
// run's digests for the workspace's other users do.
func BenchmarkDigestMail(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b, store.SQLite)
	now := time.Date(2026, 5, 11, 7, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now.Add(-24 * time.Hour) }
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	ws, err := db.CreateWorkspace(ctx, nps.Workspace{Slug: "bench", Name: "Bench"})
	must(err)
	owner, err := db.CreateUser(ctx, nps.User{Email: "owner@bench.example", Name: "Owner", Language: "nl"})
	must(err)
	_, err = db.AddMember(ctx, ws.ID, owner.ID, nps.RoleOwner)
	must(err)
	acct, err := db.CreateAccount(ctx, ws.ID, nps.Account{Name: "Klant BV", OwnerID: owner.ID})
	must(err)
	for s := range 2 {
		sv, err := db.CreateSurvey(ctx, ws.ID, appTestSurvey(fmt.Sprintf("Survey %d", s), false))
		must(err)
		for w := range 3 {
			wave, err := db.CreateWave(ctx, ws.ID, nps.Wave{SurveyID: sv.ID, Name: fmt.Sprint(2024 + w), OpensAt: now.AddDate(w-3, 0, 0)})
			must(err)
			for i := range 40 {
				c, err := db.CreateContact(ctx, ws.ID, nps.Contact{AccountID: acct.ID, Email: fmt.Sprintf("c%d-%d-%d@bench.example", s, w, i)})
				must(err)
				_, err = db.RecordResponse(ctx, ws.ID, nps.Response{WaveID: wave.ID, ContactID: c.ID, Score: (i*7 + w) % 11,
					Comment: "Een opmerking over de levering", Channel: nps.ChannelLink})
				must(err)
			}
		}
	}
	_, err = db.SetDigest(ctx, ws.ID, owner.ID, nps.DigestWeekly)
	must(err)
	db.Now = func() time.Time { return now }
	due, err := db.DueDigests(ctx, now, 1)
	if err != nil || len(due) != 1 {
		b.Fatalf("due digests: %d, %v", len(due), err)
	}
	s, err := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{MailBaseURL: "https://nps.example.com"})
	must(err)
	writer := func() *digestWriter { return newDigestWriter(s, now) }
	b.Run("drawn", func(b *testing.B) {
		for b.Loop() {
			if _, err := writer().mail(ctx, due[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		dw := writer()
		for b.Loop() {
			if _, err := dw.mail(ctx, due[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
