package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// commentOf returns the ID of the fixture's answer with comment.
func (f *appFixture) commentOf(t *testing.T, comment string) int64 {
	t.Helper()
	page := appMust(f.db.LatestResponses(context.Background(), f.acme.ID, store.ResponseFilter{WaveID: f.wave.ID, HasComment: true}))(t)
	for _, r := range page.Responses {
		if r.Comment == comment {
			return r.ID
		}
	}
	t.Fatalf("no answer with comment %q", comment)
	return 0
}

// TestReportRoutes tries the report's routes as nobody, as a user of
// another workspace and as each role.
func TestReportRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		s, _ := New(db, nil, Options{})
		page := func(path string) func() (string, url.Values) {
			return func() (string, url.Values) { return path, nil }
		}
		wave := strconv.FormatInt(f.wave.ID, 10)
		quoted := strconv.FormatInt(f.commentOf(t, "member account comment"), 10)
		f.checkRouteMatrix(t, s.reportRoutes(), []routeTry{
			{"GET /w/{slug}/report", http.StatusOK, page("/w/acme/report")},
			{"GET /w/{slug}/report/view", http.StatusOK, page("/w/acme/report/view?wave=" + wave)},
			{"GET /w/{slug}/report/pdf", http.StatusOK, page("/w/acme/report/pdf?wave=" + wave)},
			{"POST /w/{slug}/report/verbatims", http.StatusSeeOther, func() (string, url.Values) {
				return "/w/acme/report/verbatims", url.Values{"response": {quoted}}
			}},
			{"POST /w/{slug}/report/links", http.StatusOK, func() (string, url.Values) {
				return "/w/acme/report/links?wave=" + wave, url.Values{"days": {"30"}}
			}},
			{"POST /w/{slug}/report/links/{link}/revoke", http.StatusSeeOther, func() (string, url.Values) {
				l, _ := appMust2(db.CreateReportLink(context.Background(), nps.ReportLink{WorkspaceID: f.acme.ID, WaveID: f.wave.ID,
					Lang: "en", ExpiresAt: db.Now().Add(time.Hour)}))(t)
				return "/w/acme/report/links/" + strconv.FormatInt(l.ID, 10) + "/revoke", url.Values{}
			}},
			{"GET /w/{slug}/settings/brand", http.StatusOK, page("/w/acme/settings/brand")},
			{"POST /w/{slug}/settings/brand", http.StatusSeeOther, func() (string, url.Values) {
				return "/w/acme/settings/brand", url.Values{"colour": {"#1f4e79"}}
			}},
		})
	})
}

func TestReportScenarios(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		w := "/w/acme"
		wave := strconv.FormatInt(f.wave.ID, 10)
		member := strconv.FormatInt(f.commentOf(t, "member account comment"), 10)
		analyst := strconv.FormatInt(f.commentOf(t, "analyst account comment <b>bold</b>"), 10)
		f.run(t, []appScenario{
			{name: "the feed offers quoting to analysts", method: "GET", path: w + "/responses?wave=" + wave, actor: "analyst", status: http.StatusOK,
				want: []string{`action="/w/acme/report/verbatims"`, "Quote in report"}},
			{name: "and not to viewers", method: "GET", path: w + "/responses?wave=" + wave, actor: "viewer", status: http.StatusOK,
				notWant: []string{"Quote in report"}},
			{name: "quote", method: "POST", path: w + "/report/verbatims", actor: "analyst", status: http.StatusSeeOther,
				form: url.Values{"response": {analyst}, "back": {w + "/responses?wave=" + wave + "#r" + analyst}},
				want: []string{w + "/responses?wave=" + wave + "#r" + analyst}},
			{name: "quote another", method: "POST", path: w + "/report/verbatims", actor: "analyst", status: http.StatusSeeOther,
				form: url.Values{"response": {member}, "back": {"https://evil.example/"}}, want: []string{w + "/report"}},
			{name: "the feed shows what is quoted", method: "GET", path: w + "/responses?wave=" + wave, actor: "analyst", status: http.StatusOK,
				want: []string{"Remove from report"}},
			{name: "the report page lists the quotes", method: "GET", path: w + "/report?wave=" + wave, actor: "analyst", status: http.StatusOK,
				want: []string{"analyst account comment &lt;b&gt;bold&lt;/b&gt;", "member account comment", "Download PDF"}},
			{name: "bad answer", method: "POST", path: w + "/report/verbatims", actor: "analyst", status: http.StatusBadRequest,
				form: url.Values{"response": {"x"}}},
			{name: "another workspace's answer", method: "POST", path: w + "/report/verbatims", actor: "analyst", status: http.StatusNotFound,
				form: url.Values{"response": {"999999"}}},
			{name: "the report quotes them, escaped", method: "GET", path: w + "/report/view?wave=" + wave, actor: "viewer", status: http.StatusOK,
				want: []string{"analyst account comment &lt;b&gt;bold&lt;/b&gt;", "Mia Member-Contact"}, notWant: []string{"<b>bold</b>"}},
			{name: "anonymised", method: "GET", path: w + "/report/view?anon=1&lang=nl&wave=" + wave, actor: "viewer", status: http.StatusOK,
				// The names' words leave the comment too.
				want: []string{"[…] […] comment"}, notWant: []string{"Mia Member-Contact", "Member Account BV", "member account comment"}},
			{name: "a member's report has their own accounts", method: "GET", path: w + "/report/view?wave=" + wave, actor: "member", status: http.StatusOK,
				want: []string{"member account comment"}, notWant: []string{"analyst account comment"}},
			{name: "bad language", method: "GET", path: w + "/report/view?lang=de&wave=" + wave, actor: "viewer", status: http.StatusBadRequest},
			{name: "no wave", method: "GET", path: w + "/report/view", actor: "viewer", status: http.StatusBadRequest},
			{name: "another workspace's wave", method: "GET", path: w + "/report/view?wave=" + strconv.FormatInt(f.globexWave.ID, 10), actor: "viewer",
				status: http.StatusNotFound, notWant: []string{"Globex"}},
			{name: "unquote", method: "POST", path: w + "/report/verbatims", actor: "analyst", status: http.StatusSeeOther,
				form: url.Values{"response": {analyst}, "remove": {"1"}}},
			{name: "unquoted", method: "GET", path: w + "/report/view?wave=" + wave, actor: "viewer", status: http.StatusOK,
				notWant: []string{"analyst account comment"}},
			{name: "bad colour", method: "POST", path: w + "/settings/brand", actor: "owner", status: http.StatusUnprocessableEntity,
				form: url.Values{"colour": {"red"}}, want: []string{"#rrggbb"}},
		})

		rec := f.do("GET", w+"/report/view?wave="+wave, nil, "viewer")
		if got := rec.Header().Get("Content-Security-Policy"); !reportPolicy.MatchString(got) {
			t.Errorf("the report's policy: got %q, want its own strict one", got)
		}
		rec = f.do("GET", w+"/report/pdf?wave="+wave, nil, "viewer")
		if rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) ||
			rec.Header().Get("Content-Disposition") != `attachment; filename="promotor-acme-2026-report.pdf"` {
			t.Errorf("the PDF: %s, %s, begins %q", rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"), rec.Body.Bytes()[:min(8, rec.Body.Len())])
		}
	})
}

// reportPolicy is the shape of a report's own policy: nothing but its
// style element, by hash, and inline images.
var reportPolicy = regexp.MustCompile(`^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src data:`)

var linkRE = regexp.MustCompile(`value="(https?://[^"]+/r/([A-Za-z0-9_-]+))"`)

// TestReportShareLink makes a link, reads the report through it without
// signing in, and sees it stop when revoked and when expired.
func TestReportShareLink(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		wave := strconv.FormatInt(f.wave.ID, 10)
		share := func(days string) (string, string) {
			rec := f.do("POST", "/w/acme/report/links?lang=nl&anon=1&wave="+wave, url.Values{"days": {days}}, "analyst")
			m := linkRE.FindStringSubmatch(rec.Body.String())
			if rec.Code != http.StatusOK || m == nil || rec.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("create link: %d, %q\n%s", rec.Code, rec.Header().Get("Cache-Control"), appExcerpt(rec.Body.String()))
			}
			return m[1], m[2]
		}
		link, token := share("7")
		if !strings.HasPrefix(link, "http://example.com/r/") {
			t.Errorf("link %q, want an absolute address", link)
		}
		rec := f.do("GET", "/r/"+token, nil, "")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Acme") || strings.Contains(rec.Body.String(), "Mia Member-Contact") {
			t.Fatalf("the shared report: %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		if !reportPolicy.MatchString(rec.Header().Get("Content-Security-Policy")) || rec.Header().Get("X-Robots-Tag") == "" {
			t.Errorf("the shared report's headers: %v", rec.Header())
		}
		if rec := f.do("GET", "/r/"+token+"/pdf", nil, ""); rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
			t.Errorf("the shared PDF: %d", rec.Code)
		}
		if rec := f.do("POST", "/w/acme/report/links?wave="+wave, url.Values{"days": {"400"}}, "analyst"); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("a link for 400 days: got %d, want 422", rec.Code)
		}
		page := f.do("GET", "/w/acme/report?wave="+wave, nil, "analyst").Body.String()
		m := regexp.MustCompile(`action="/w/acme/report/links/(\d+)/revoke"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no revoke button on\n%s", appExcerpt(page))
		}
		if rec := f.do("POST", "/w/acme/report/links/"+m[1]+"/revoke", url.Values{}, "analyst"); rec.Code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", rec.Code)
		}
		for _, path := range []string{"/r/" + token, "/r/" + token + "/pdf", "/r/nonsense", "/r/" + strings.Repeat("A", len(token))} {
			if rec := f.do("GET", path, nil, ""); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Report not found") {
				t.Errorf("GET %s after revoking: got %d, want the 404 page", path, rec.Code)
			}
		}
		_, token = share("7")
		f.clock.add(8 * 24 * time.Hour)
		if rec := f.do("GET", "/r/"+token, nil, ""); rec.Code != http.StatusNotFound {
			t.Errorf("an expired link: got %d, want 404", rec.Code)
		}
	})
}

// TestBrandLogo uploads a logo and colours as a browser does, sees them on
// the page and in the report, and sees a bad file refused.
func TestBrandLogo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newAppFixture(t, db)
		upload := func(colour string, name string, data []byte) *httptest.ResponseRecorder {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("colour", colour)
			_ = mw.WriteField("accent", "#C0392B")
			fw, _ := mw.CreateFormFile("logo", name)
			_, _ = fw.Write(data)
			_ = mw.Close()
			req := httptest.NewRequest("POST", "/w/acme/settings/brand", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.secrets["owner"]})
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			return rec
		}
		logo := appPNG(t)
		if rec := upload("#1F4E79", "logo.png", logo); rec.Code != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", rec.Code, appExcerpt(rec.Body.String()))
		}
		b := appMust(db.Brand(context.Background(), f.acme.ID))(t)
		if b.Colour != "#1f4e79" || b.Accent != "#c0392b" || !bytes.Equal(b.Logo, logo) {
			t.Errorf("brand: %s %s %d bytes", b.Colour, b.Accent, len(b.Logo))
		}
		page := f.do("GET", "/w/acme/settings/brand", nil, "owner").Body.String()
		if !strings.Contains(page, `src="data:image/png;base64,`) || !strings.Contains(page, `value="#1f4e79"`) {
			t.Errorf("the brand page shows no logo or colour:\n%s", appExcerpt(page))
		}
		if rec := upload("#000000", "logo.svg", []byte(`<svg onload="alert(1)"/>`)); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("an SVG logo: got %d, want 422", rec.Code)
		}
		if b := appMust(db.Brand(context.Background(), f.acme.ID))(t); b.Colour != "#1f4e79" || !bytes.Equal(b.Logo, logo) {
			t.Error("a refused logo changed the brand")
		}
		view := f.do("GET", "/w/acme/report/view?wave="+strconv.FormatInt(f.wave.ID, 10), nil, "viewer").Body.String()
		if !strings.Contains(view, "#1f4e79") || !strings.Contains(view, "data:image/png;base64,") {
			t.Error("the report shows neither the colour nor the logo")
		}
	})
}

// appPNG is a small valid PNG.
func appPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 20))
	for x := range 60 {
		img.Set(x, 10, color.RGBA{R: 31, G: 78, B: 121, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
