package store_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// tinyPNG is a valid w×h PNG.
func tinyPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBrand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "brand")
		if b := must(db.Brand(ctx, f.ws.ID))(t); b.Colour != "" || b.Accent != "" || b.Logo != nil {
			t.Fatalf("new workspace's brand: got %+v, want Promotor's own", b)
		}
		logo := tinyPNG(t, 40, 20)
		if err := db.UpdateBrand(ctx, f.ws.ID, store.BrandUpdate{Colour: "#1f4e79", Accent: "#c0392b", Logo: logo}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range [][2]string{{"#1F4E79", ""}, {"red", ""}, {"", "#12345"}, {"", "#12345g"}} {
			var v *nps.ValidationError
			if err := db.UpdateBrand(ctx, f.ws.ID, store.BrandUpdate{Colour: bad[0], Accent: bad[1], RemoveLogo: true}); !errors.As(err, &v) {
				t.Errorf("UpdateBrand(%q, %q): got %v, want a validation error", bad[0], bad[1], err)
			}
		}
		b := must(db.Brand(ctx, f.ws.ID))(t)
		if b.Colour != "#1f4e79" || b.Accent != "#c0392b" || b.LogoType != "image/png" || !bytes.Equal(b.Logo, logo) {
			t.Errorf("brand: got %s %s %s %d bytes, want the colours and the PNG", b.Colour, b.Accent, b.LogoType, len(b.Logo))
		}
		for name, data := range map[string][]byte{
			"text":     []byte("<svg onload=alert(1)>"),
			"too big":  append(tinyPNG(t, 1, 1), make([]byte, nps.MaxLogoBytes)...),
			"too wide": tinyPNG(t, nps.MaxLogoPixels+1, 1),
		} {
			var v *nps.ValidationError
			if err := db.UpdateBrand(ctx, f.ws.ID, store.BrandUpdate{Logo: data}); !errors.As(err, &v) {
				t.Errorf("UpdateBrand(logo %s): got %v, want a validation error", name, err)
			}
		}
		if b := must(db.Brand(ctx, f.ws.ID))(t); !bytes.Equal(b.Logo, logo) || b.Colour != "#1f4e79" {
			t.Errorf("a refused change changed the brand: %s, %d bytes", b.Colour, len(b.Logo))
		}
		if err := db.UpdateBrand(ctx, f.ws.ID, store.BrandUpdate{RemoveLogo: true}); err != nil {
			t.Fatal(err)
		}
		if b := must(db.Brand(ctx, f.ws.ID))(t); b.Logo != nil || b.LogoType != "" || b.Colour != "" {
			t.Errorf("brand after removing the logo and colours: got %q, %s, %d bytes", b.Colour, b.LogoType, len(b.Logo))
		}
		if err := db.UpdateBrand(ctx, f.ws.ID+1000, store.BrandUpdate{}); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("UpdateBrand of no workspace: got %v, want ErrNotFound", err)
		}
	})
}

func TestReportVerbatims(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "verbatims")
		var ids []int64
		for i, comment := range []string{"Snelle service", "Te duur", "Prima"} {
			c := f.addContact(t, "c"+string(rune('a'+i))+"@verbatims.example")
			r := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: 9 - 3*i,
				Comment: comment, Channel: nps.ChannelLink}))(t)
			ids = append(ids, r.ID)
		}
		silent := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, Score: 7, Channel: nps.ChannelLink}))(t)
		for _, id := range []int64{ids[2], ids[0], ids[2]} {
			if err := db.ChooseVerbatim(ctx, f.ws.ID, id); err != nil {
				t.Fatalf("ChooseVerbatim(%d): %v", id, err)
			}
		}
		var v *nps.ValidationError
		if err := db.ChooseVerbatim(ctx, f.ws.ID, silent.ID); !errors.As(err, &v) {
			t.Errorf("ChooseVerbatim of an answer without a comment: got %v, want a validation error", err)
		}
		if err := db.ChooseVerbatim(ctx, f.ws.ID, silent.ID+1000); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("ChooseVerbatim of no answer: got %v, want ErrNotFound", err)
		}
		list := must(db.ReportVerbatims(ctx, f.ws.ID, f.wave.ID))(t)
		if len(list) != 2 || list[0].Comment != "Prima" || list[1].Comment != "Snelle service" || list[0].Score != 3 {
			t.Fatalf("ReportVerbatims: got %+v, want Prima (3) then Snelle service, each once", list)
		}
		if !strings.HasPrefix(list[0].AccountName, f.account.Name) {
			t.Errorf("verbatim's account: got %q, want %q", list[0].AccountName, f.account.Name)
		}
		chosen := must(db.ChosenVerbatims(ctx, f.ws.ID, ids))(t)
		if !chosen[ids[0]] || chosen[ids[1]] || !chosen[ids[2]] {
			t.Errorf("ChosenVerbatims: got %v, want %d and %d", chosen, ids[0], ids[2])
		}
		if err := db.DropVerbatim(ctx, f.ws.ID, ids[2]); err != nil {
			t.Fatal(err)
		}
		if list := must(db.ReportVerbatims(ctx, f.ws.ID, f.wave.ID))(t); len(list) != 1 || list[0].ResponseID != ids[0] {
			t.Errorf("after dropping one: got %+v, want Snelle service alone", list)
		}
		// The limit: the chosen count may not pass it.
		for i := 1; i < store.MaxReportVerbatims; i++ {
			c := f.addContact(t, "more"+strings.Repeat("x", i)+"@verbatims.example")
			r := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: c.ID, Score: 8, Comment: "ok", Channel: nps.ChannelLink}))(t)
			if err := db.ChooseVerbatim(ctx, f.ws.ID, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.ChooseVerbatim(ctx, f.ws.ID, ids[1]); !errors.As(err, &v) {
			t.Errorf("ChooseVerbatim past the limit: got %v, want a validation error", err)
		}
		if err := db.ChooseVerbatim(ctx, f.ws.ID, ids[0]); err != nil {
			t.Errorf("ChooseVerbatim of a chosen one at the limit: got %v, want nothing to do", err)
		}
	})
}

func TestReportLinks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "links")
		now := db.Now()
		l, token := must2(db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: f.ws.ID, WaveID: f.wave.ID, Lang: "nl",
			Anonymise: true, CreatedBy: f.owner.ID, ExpiresAt: now.Add(48 * time.Hour)}))(t)
		if len(token) < 32 || l.ID == 0 {
			t.Fatalf("CreateReportLink: got %+v and token %q", l, token)
		}
		got := must(db.ReportLinkByToken(ctx, token))(t)
		if got.ID != l.ID || got.WaveID != f.wave.ID || got.Lang != "nl" || !got.Anonymise || got.WorkspaceID != f.ws.ID {
			t.Errorf("ReportLinkByToken: got %+v, want %+v", got, l)
		}
		for name, tok := range map[string]string{"garbage": "x", "empty": "", "other": strings.Repeat("A", len(token))} {
			if _, err := db.ReportLinkByToken(ctx, tok); !errors.Is(err, nps.ErrNotFound) {
				t.Errorf("ReportLinkByToken(%s): got %v, want ErrNotFound", name, err)
			}
		}
		for name, bad := range map[string]nps.ReportLink{
			"past":      {WorkspaceID: f.ws.ID, WaveID: f.wave.ID, Lang: "en", ExpiresAt: now.Add(-time.Minute)},
			"too long":  {WorkspaceID: f.ws.ID, WaveID: f.wave.ID, Lang: "en", ExpiresAt: now.AddDate(2, 0, 0)},
			"language":  {WorkspaceID: f.ws.ID, WaveID: f.wave.ID, Lang: "de", ExpiresAt: now.Add(time.Hour)},
			"no wave":   {WorkspaceID: f.ws.ID, WaveID: f.wave.ID + 1000, Lang: "en", ExpiresAt: now.Add(time.Hour)},
			"no member": {WorkspaceID: f.ws.ID, WaveID: f.wave.ID, Lang: "en", ExpiresAt: now.Add(time.Hour), CreatedBy: f.owner.ID + 1000},
		} {
			if _, _, err := db.CreateReportLink(ctx, bad); err == nil {
				t.Errorf("CreateReportLink(%s): got no error", name)
			}
		}
		// Expiry: the link stops at its time.
		f.clock.add(49 * time.Hour)
		if _, err := db.ReportLinkByToken(ctx, token); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("an expired link: got %v, want ErrNotFound", err)
		}
		l2, token2 := must2(db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: f.ws.ID, WaveID: f.wave.ID, Lang: "en",
			ExpiresAt: db.Now().Add(time.Hour)}))(t)
		must(db.ReportLinkByToken(ctx, token2))(t)
		if err := db.RevokeReportLink(ctx, f.ws.ID, l2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReportLinkByToken(ctx, token2); !errors.Is(err, nps.ErrNotFound) {
			t.Errorf("a revoked link: got %v, want ErrNotFound", err)
		}
		if err := db.RevokeReportLink(ctx, f.ws.ID, l2.ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		links := must(db.ReportLinks(ctx, f.ws.ID, f.wave.ID))(t)
		if len(links) != 2 || links[0].ID != l2.ID || links[0].RevokedAt.IsZero() || !links[1].RevokedAt.IsZero() {
			t.Errorf("ReportLinks: got %+v, want the revoked one first, then the expired one", links)
		}
	})
}

func TestPromoterProgramme(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "programme")
		fillPromoters(t, f) // actions for no answer, and a referral
		r := must(db.RecordResponse(ctx, f.ws.ID, nps.Response{WaveID: f.wave.ID, ContactID: f.contact.ID, Score: 10, Channel: nps.ChannelLink}))(t)
		for _, kind := range []nps.PromoterActionKind{nps.PromoterReward, nps.PromoterSurprise, nps.PromoterReward} {
			must(db.RecordPromoterAction(ctx, f.ws.ID, nps.PromoterAction{ContactID: f.contact.ID, ResponseID: r.ID, Kind: kind}, 0))(t)
		}
		must(db.ThankPromoter(ctx, f.ws.ID, nps.PromoterAction{ContactID: f.contact.ID, ResponseID: r.ID}, 0, thanksNote, true))(t)
		p := must(db.PromoterProgramme(ctx, f.ws.ID, store.ProgrammeFilter{WaveID: f.wave.ID, From: t0}))(t)
		want := map[nps.PromoterActionKind]int64{nps.PromoterReward: 2, nps.PromoterSurprise: 1, nps.PromoterThank: 1}
		if p.Thanked != 1 || !maps.Equal(p.Actions, want) || p.Referrals != 1 || p.ThankedReferrals != 0 {
			t.Errorf("PromoterProgramme: got %+v, want 1 thanked, actions %v, 1 referral not thanked", p, want)
		}
		// The account's owner sees the same; another user nothing.
		other := must(db.CreateUser(ctx, nps.User{Email: "other@programme.example"}))(t)
		if mine := must(db.PromoterProgramme(ctx, f.ws.ID, store.ProgrammeFilter{WaveID: f.wave.ID, From: t0, OwnerID: f.owner.ID}))(t); !reflect.DeepEqual(mine, p) {
			t.Errorf("the owner's programme: got %+v, want %+v", mine, p)
		}
		if theirs := must(db.PromoterProgramme(ctx, f.ws.ID, store.ProgrammeFilter{WaveID: f.wave.ID, From: t0, OwnerID: other.ID}))(t); theirs.Thanked != 0 || len(theirs.Actions) != 0 || theirs.Referrals != 0 {
			t.Errorf("another owner's programme: got %+v, want nothing", theirs)
		}
		if p := must(db.PromoterProgramme(ctx, f.ws.ID, store.ProgrammeFilter{WaveID: f.wave.ID, From: db.Now().Add(time.Hour)}))(t); p.Referrals != 0 {
			t.Errorf("referrals after now: got %d, want 0", p.Referrals)
		}
	})
}

// reportIsolation fills b with the report's rows and returns the calls
// from a that must not reach them, and a check that b kept them.
func reportIsolation(t *testing.T, db *store.DB, a, b *fixture, bComment nps.Response) (notFound map[string]func() error, empty map[string]func() (int, error), unchanged func(*testing.T)) {
	t.Helper()
	ctx := context.Background()
	B, A := b.ws.ID, a.ws.ID
	if err := db.ChooseVerbatim(ctx, B, bComment.ID); err != nil {
		t.Fatal(err)
	}
	bLink, _ := must2(db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: B, WaveID: b.wave.ID, Lang: "en", ExpiresAt: db.Now().Add(time.Hour)}))(t)
	notFound = map[string]func() error{
		"ChooseVerbatim": func() error { return db.ChooseVerbatim(ctx, A, bComment.ID) },
		"CreateReportLink": func() error {
			_, _, err := db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: A, WaveID: b.wave.ID, Lang: "en", ExpiresAt: db.Now().Add(time.Hour)})
			return err
		},
		"CreateReportLink (creator)": func() error {
			_, _, err := db.CreateReportLink(ctx, nps.ReportLink{WorkspaceID: A, WaveID: a.wave.ID, Lang: "en", CreatedBy: b.owner.ID,
				ExpiresAt: db.Now().Add(time.Hour)})
			return err
		},
		"RevokeReportLink": func() error { return db.RevokeReportLink(ctx, A, bLink.ID) },
	}
	empty = map[string]func() (int, error){
		"ReportVerbatims": func() (int, error) { l, err := db.ReportVerbatims(ctx, A, b.wave.ID); return len(l), err },
		"ChosenVerbatims": func() (int, error) { m, err := db.ChosenVerbatims(ctx, A, []int64{bComment.ID}); return len(m), err },
		"DropVerbatim":    func() (int, error) { return 0, db.DropVerbatim(ctx, A, bComment.ID) },
		"ReportLinks":     func() (int, error) { l, err := db.ReportLinks(ctx, A, b.wave.ID); return len(l), err },
		"PromoterProgramme": func() (int, error) {
			p, err := db.PromoterProgramme(ctx, A, store.ProgrammeFilter{WaveID: b.wave.ID, From: t0.AddDate(-1, 0, 0)})
			n := p.Thanked + p.Referrals
			for _, c := range p.Actions {
				n += c
			}
			return int(n), err
		},
	}
	unchanged = func(t *testing.T) {
		if l := must(db.ReportVerbatims(ctx, B, b.wave.ID))(t); len(l) != 1 {
			t.Errorf("B's verbatims after A's calls: got %d, want 1", len(l))
		}
		if l := must(db.ReportLinks(ctx, B, b.wave.ID))(t); len(l) != 1 || !l[0].RevokedAt.IsZero() {
			t.Errorf("B's report links after A's calls: got %+v, want one working", l)
		}
	}
	return notFound, empty, unchanged
}
