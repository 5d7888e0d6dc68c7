package web

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// The browser test answers the survey pages in Debian's headless Chromium,
// on a phone-sized screen, the way respondents do: by clicking through the
// personal link, by clicking a number in the email and closing the tab at
// once, through the public link, and with the keyboard only. It runs on
// both databases (the browser starts once). Without Chromium it is
// skipped, unless PROMOTOR_REQUIRE_INTEGRATION=1 makes that a failure.
// Set PROMOTOR_SCREENSHOT_DIR to keep a screenshot of the phone-sized
// survey page there.

// phone is the viewport of a common phone, in CSS pixels.
const phoneWidth, phoneHeight = 390, 844

// browserTimeout bounds each step that waits for the browser or the
// database.
const browserTimeout = 15 * time.Second

func TestBrowserSurvey(t *testing.T) {
	browser := startBrowser(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		f := newSurveyFixture(t, db)
		srv := httptest.NewServer(f.h)
		t.Cleanup(srv.Close)
		b := &browserRun{t: t, f: f, url: srv.URL, browser: browser}
		t.Run("personal link", b.personalLink)
		t.Run("one-click and close", b.oneClickAndClose)
		t.Run("public link", b.publicLink)
		t.Run("keyboard only", b.keyboardOnly)
	})
}

// startBrowser starts headless Chromium for the test and returns a
// context whose children open tabs in it.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv(storetest.RequireEnv) == "1" {
			t.Fatalf("chromium not found (%v), and %s=1 requires the browser test", err, storetest.RequireEnv)
		}
		t.Skipf("chromium not found (%v): skipping the browser test; install it with apt-get install chromium", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// browserRun is one database's run of the browser scenarios.
type browserRun struct {
	t       *testing.T
	f       *surveyFixture
	url     string
	browser context.Context
}

// tab opens a new tab with a phone-sized screen; closing it is up to
// the caller's cleanup.
func (b *browserRun) tab(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.browser)
	t.Cleanup(cancel)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	if err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return ctx, cancel
}

// do runs steps in the tab within browserTimeout.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval returns the value of a JavaScript expression in the tab. The tests
// read the page with it; they act only by clicks and keys.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitAnswer polls the database until inv's answer satisfies ok.
func (b *browserRun) waitAnswer(t *testing.T, inv nps.Invitation, ok func(nps.Response) bool) nps.Response {
	t.Helper()
	deadline := time.Now().Add(browserTimeout)
	for {
		r, found := b.f.answer(t, inv)
		if found && ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("invitation %d: got answer %+v (found %v), want the browser's answer", inv.ID, r, found)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browserRun) personalLink(t *testing.T) {
	_, inv := b.f.invite(t, "nl", b.f.wave)
	ctx, _ := b.tab(t)
	do(t, ctx, "open the personal link", chromedp.Navigate(b.url+"/s/"+inv.Token))
	b.checkPhoneLayout(t, ctx)
	do(t, ctx, "answer",
		chromedp.Click(chromedp.CSS(`input[name=score][value="9"]`)),
		chromedp.SendKeys(chromedp.ID("comment"), "Snel geholpen, <b>top</b>!"),
		chromedp.Click(chromedp.CSS(`input[name=switch_intent][value=no]`)),
		chromedp.Click(chromedp.CSS(`input[name=permission][value=yes]`)),
	)
	if got := eval[string](t, ctx, `document.getElementById("followup").textContent`); got != "Wat doen we goed?" {
		t.Errorf("follow-up after choosing 9: got %q, want the promoter wording", got)
	}
	do(t, ctx, "send", chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	waitFor(t, ctx, `document.querySelector("h1").textContent === "Hartelijk dank!"`)
	r := b.waitAnswer(t, inv, func(r nps.Response) bool { return r.Score == 9 })
	if r.Comment != "Snel geholpen, <b>top</b>!" || r.Answers.SwitchIntent != nps.SwitchNo || r.Answers.Permission != nps.PermissionGranted {
		t.Errorf("stored answer: got %+v, want 9 with the comment, no and yes", r)
	}
}

// oneClickAndClose opens a one-click link and closes the tab as soon as
// the page has loaded: the script's keepalive request must still record
// the score.
func (b *browserRun) oneClickAndClose(t *testing.T) {
	_, inv := b.f.invite(t, "en", b.f.wave)
	ctx, cancel := b.tab(t)
	do(t, ctx, "open the one-click link", chromedp.Navigate(b.url+"/s/"+inv.Token+"/8"))
	cancel() // closes the tab at once
	r := b.waitAnswer(t, inv, func(r nps.Response) bool { return r.Score == 8 })
	if r.Comment != "" || r.Revision != 1 || r.Language != "en" {
		t.Errorf("one-click answer: got %+v, want a bare 8 in English", r)
	}
}

func (b *browserRun) publicLink(t *testing.T) {
	token := check(b.f.db.SurveyLink(context.Background(), b.f.ws.ID, b.f.survey.ID))(t)
	before := b.f.histogram(t, b.f.wave)
	ctx, _ := b.tab(t)
	do(t, ctx, "answer the public link",
		chromedp.Navigate(b.url+"/p/"+token),
		chromedp.Click(chromedp.CSS(`a[hreflang=en]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[hreflang=nl]:not([aria-current])`)),
		chromedp.Click(chromedp.CSS(`input[name=score][value="3"]`)),
		chromedp.SendKeys(chromedp.ID("comment"), "Queue too long"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
	)
	waitFor(t, ctx, `document.querySelector("h1").textContent === "Thank you!"`)
	deadline := time.Now().Add(browserTimeout)
	for h := b.f.histogram(t, b.f.wave); h[3] != before[3]+1; h = b.f.histogram(t, b.f.wave) {
		if time.Now().After(deadline) {
			t.Fatalf("histogram after the public answer: got %v, want one more 3 than %v", h, before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keyboardOnly answers with Tab, the arrow keys, Space and Enter.
func (b *browserRun) keyboardOnly(t *testing.T) {
	_, inv := b.f.invite(t, "nl", b.f.wave)
	ctx, _ := b.tab(t)
	do(t, ctx, "open the personal link", chromedp.Navigate(b.url+"/s/"+inv.Token))
	tabTo(t, ctx, `input[name=score]`)
	if !eval[bool](t, ctx, `getComputedStyle(document.activeElement.nextElementSibling).outlineStyle !== "none"`) {
		t.Error("the focused score shows no focus outline")
	}
	for range 7 {
		do(t, ctx, "arrow right", chromedp.KeyEvent(kb.ArrowRight))
	}
	screenshot(t, ctx, "survey-phone.png")
	tabTo(t, ctx, `#comment`)
	do(t, ctx, "type", chromedp.KeyEvent("Met het toetsenbord"))
	tabTo(t, ctx, `input[name=switch_intent]`)
	do(t, ctx, "choose", chromedp.KeyEvent(" "))
	tabTo(t, ctx, `button[type=submit]`)
	do(t, ctx, "send", chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, `document.querySelector("h1").textContent === "Hartelijk dank!"`)
	r := b.waitAnswer(t, inv, func(r nps.Response) bool { return true })
	if r.Score != 7 || r.Comment != "Met het toetsenbord" || r.Answers.SwitchIntent != nps.SwitchYes {
		t.Errorf("keyboard answer: got score %d comment %q switch %q, want 7, the comment, yes", r.Score, r.Comment, r.Answers.SwitchIntent)
	}
}

// waitFor polls the tab until the JavaScript condition holds; an error
// while the tab navigates counts as not yet.
func waitFor(t *testing.T, ctx context.Context, condition string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	for {
		ok, err := chromedp.Run(sctx, chromedp.Evaluate[bool](condition))
		if err == nil && ok {
			return
		}
		if sctx.Err() != nil {
			t.Fatalf("waited %v for %s (last error %v)", browserTimeout, condition, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tabTo presses Tab until the focused element matches selector.
func tabTo(t *testing.T, ctx context.Context, selector string) {
	t.Helper()
	match := `document.activeElement && document.activeElement.matches(` + strconv.Quote(selector) + `)`
	for range 20 {
		if eval[bool](t, ctx, match) {
			return
		}
		do(t, ctx, "tab", chromedp.KeyEvent(kb.Tab))
	}
	t.Fatalf("20 presses of Tab never reached %s", selector)
}

// checkPhoneLayout checks that the page fits a phone's width and that the
// scale wraps into two rows in order: 0–5, then 6–10.
func (b *browserRun) checkPhoneLayout(t *testing.T, ctx context.Context) {
	t.Helper()
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > phoneWidth {
		t.Errorf("page is %v px wide on a %d px screen", w, phoneWidth)
	}
	tops := eval[[]float64](t, ctx, `[...document.querySelectorAll(".point")].map(p => p.getBoundingClientRect().top)`)
	lefts := eval[[]float64](t, ctx, `[...document.querySelectorAll(".point")].map(p => p.getBoundingClientRect().left)`)
	if len(tops) != 11 {
		t.Fatalf("scale has %d points, want 11", len(tops))
	}
	for i := range 11 {
		row := 0
		if i >= 6 {
			row = 1
		}
		if (tops[i] == tops[0]) != (row == 0) || (i > 0 && i != 6 && lefts[i] <= lefts[i-1]) {
			t.Errorf("point %d at (%v, %v): want the rows 0–5 and 6–10 in order; tops %v", i, lefts[i], tops[i], tops)
			break
		}
	}
}

// screenshot saves the tab's whole page as the file name in
// PROMOTOR_SCREENSHOT_DIR, if set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("PROMOTOR_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
