package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestSurveyBadInput submits what a form must refuse: each gets a clear
// 4xx and nothing is written.
func TestSurveyBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSurveyFixture(t, db)
		// Many refusals of one link from one address: more than the
		// limits let through (TestSurveyLimits tries those).
		f.srv.limits = noLimits()
		token := check(db.SurveyLink(ctx, f.ws.ID, f.survey.ID))(t)
		form := func(kv ...string) url.Values {
			v := url.Values{"lang": {"en"}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Add(kv[i], kv[i+1])
			}
			return v
		}
		const scoreMsg = "Choose a score from 0 to 10."
		tests := []struct {
			name   string
			form   url.Values
			status int
			want   []string
		}{
			{"score 11", form("score", "11"), 422, []string{scoreMsg}},
			{"score -1", form("score", "-1"), 422, []string{scoreMsg}},
			{"score 7.5", form("score", "7.5"), 422, []string{scoreMsg}},
			{"score empty", form("score", ""), 422, []string{scoreMsg}},
			{"score 1e3", form("score", "1e3"), 422, []string{scoreMsg}},
			{"score 07", form("score", "07"), 422, []string{scoreMsg}},
			{"score spaced", form("score", " 7"), 422, []string{scoreMsg}},
			{"score emoji", form("score", "😀"), 422, []string{scoreMsg}},
			{"no score", form("comment", "kept on the page"), 422, []string{scoreMsg, "kept on the page"}},
			{"two scores", form("score", "7", "score", "8"), 422, []string{scoreMsg}},
			{"invalid UTF-8", form("score", "7", "comment", "caf\xe9"), 422, []string{"characters that cannot be saved"}},
			{"control character", form("score", "7", "comment", "bell\a"), 422, []string{"characters that cannot be saved"}},
			{"comment too long", form("score", "7", "comment", strings.Repeat("a", maxCommentChars+1)), 422, []string{"at most 10000 characters"}},
			{"comment of 1 MB", form("score", "7", "comment", strings.Repeat("a", 1<<20)), 413, []string{"too long"}},
			{"unknown retention answer", form("score", "7", "switch_intent", "maybe"), 422, []string{"not a valid choice"}},
			{"unknown permission answer", form("score", "7", "permission", "perhaps"), 422, []string{"not a valid choice"}},
			{"driver out of range", form("score", "7", "driver.support", "6"), 422, []string{"not a valid choice"}},
			{"driver not a number", form("score", "7", "driver.support", "5.0"), 422, []string{"not a valid choice"}},
			{"unknown driver", form("score", "7", "driver.price", "3"), 422, []string{"not a valid choice"}},
		}
		for _, path := range []string{"/s/" + f.inv.Token, "/p/" + token} {
			for _, tt := range tests {
				rec := f.do("POST", path, tt.form)
				want := tt.want
				if tt.status == 422 {
					want = append(want, "Please check your answer:", `role="alert"`, "<form")
				}
				expect(t, path[:2]+" "+tt.name, rec, tt.status, want...)
			}
		}
		if r, ok := f.answer(t, f.inv); ok {
			t.Errorf("after bad input: got answer %+v, want none", r)
		}
		if h := f.histogram(t, f.wave); h.N() != 0 {
			t.Errorf("after bad input: histogram %v, want empty", h)
		}
		expect(t, "one-click body too large", f.do("POST", "/s/"+f.inv.Token+"/5", form("pad", strings.Repeat("x", 4096))), 413)
		expect(t, "wrong content type", f.do("POST", "/s/"+f.inv.Token, nil, "Content-Type", "text/plain"), 422, "Kies een score van 0 tot en met 10.")
	})
}

// TestSurveyCommentEscaped stores markup verbatim and shows it escaped.
func TestSurveyCommentEscaped(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixture(t, db)
		evil := `<script>alert("x")</script><b onmouseover=alert(1)>hi</b> & "quotes"`
		path := "/s/" + f.inv.Token
		expect(t, "POST markup", f.do("POST", path, url.Values{"score": {"3"}, "comment": {evil}}), http.StatusSeeOther)
		got, _ := f.answer(t, f.inv)
		if got.Comment != evil {
			t.Errorf("stored comment: got %q, want it verbatim %q", got.Comment, evil)
		}
		expect(t, "prefilled", f.do("GET", path, nil), http.StatusOK, html.EscapeString(evil), "!<script>alert", "!<b onmouseover")
		expect(t, "422 with markup", f.do("POST", path, url.Values{"score": {"x"}, "comment": {evil}}), 422,
			html.EscapeString(evil), "!<script>alert")
	})
}

func TestSurveySecurityHeaders(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	f := newSurveyFixture(t, db)
	rec := f.do("GET", "/s/"+f.inv.Token+"/9", nil)
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q: want scripts from the server only", csp)
	}
	if got := rec.Header().Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer", got)
	}
	if strings.Contains(rec.Body.String(), "<script>") || strings.Contains(rec.Body.String(), "style=") {
		t.Error("the page has inline script or style, which the CSP blocks")
	}
	// A cross-site form post (CSRF) is refused and records nothing.
	rec = f.do("POST", "/s/"+f.inv.Token, url.Values{"score": {"9"}}, "Sec-Fetch-Site", "cross-site")
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site POST: got %d, want 403", rec.Code)
	}
	if r, ok := f.answer(t, f.inv); ok {
		t.Errorf("cross-site POST recorded %+v", r)
	}
}
