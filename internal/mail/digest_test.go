package mail_test

import (
	"image/color"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/mail"
)

// testDigest is a digest with every part: two scores, one with a chart,
// a section with items and one without, the button and the links.
func testDigest(t *testing.T) mail.Digest {
	return mail.Digest{
		Language: "en",
		Subject:  "Your weekly NPS digest: Molenaar & Zn.",
		Colour:   "#0f766e",
		Logo:     "logo@promotor",
		LogoAlt:  "Molenaar & Zn.",
		Greeting: "Hello Eva,",
		Intro:    []string{"Your digest of Molenaar & Zn., with what happened since 2026-05-04."},
		Scores: []mail.DigestScore{
			{Title: "Relationship NPS · 2026", Score: "+18", Lines: []string{"95% interval +5 … +29, n = 54", "+12 points since 2025 (significant, p = 0.031)"},
				Image: "trend-1@promotor", ImageAlt: "NPS per wave: 2025 +6, 2026 +18", Width: 552, Height: 308},
			{Title: "Event feedback · Fair", Score: "No responses yet."},
		},
		Sections: []mail.DigestSection{
			{Heading: "New detractors (2)", Empty: "No new detractors.", More: "And 1 more.", Items: []mail.DigestItem{
				{Text: "Anna at <Acme> gave a 3", Quote: "Too slow <b>again</b>\nand expensive", URL: "https://nps.example.com/w/acme/responses/7"},
				{Text: "An anonymous respondent gave a 5"},
			}},
			{Heading: "Overdue follow-ups (0)", Empty: "No follow-up is overdue."},
		},
		ButtonURL:      "https://nps.example.com/w/acme/dashboard",
		ButtonLabel:    "Open the dashboard",
		Footer:         "You receive this digest every week.",
		Links:          []mail.DigestLink{{Label: "Change how often", URL: "https://nps.example.com/w/acme/digest"}, {Label: "Unsubscribe", URL: "https://nps.example.com/d/tok"}},
		UnsubscribeURL: "https://nps.example.com/d/tok",
		Images: []mail.Inline{{CID: "trend-1@promotor", ContentType: "image/png", Data: testPNG(t, 4, 2, color.White)},
			{CID: "logo@promotor", ContentType: "image/png", Data: testPNG(t, 2, 2, color.Black)}},
	}
}

func TestRenderDigestGolden(t *testing.T) {
	d := testDigest(t)
	m, err := newRenderer(t).Digest(d)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "digest-en.txt", "Subject: "+m.Subject+"\n\n"+m.Text)
	golden(t, "digest-en.html", m.HTML)
	if m.Unsubscribe.URL != d.UnsubscribeURL || len(m.Inline) != 2 || m.Inline[0].CID != "trend-1@promotor" {
		t.Errorf("headers and parts: got unsubscribe %q and %d images, want %q and the chart", m.Unsubscribe.URL, len(m.Inline), d.UnsubscribeURL)
	}
	for _, want := range []string{`src="cid:trend-1@promotor"`, `src="cid:logo@promotor" height="48" alt="Molenaar &amp; Zn."`,
		"border-top:4px solid #0f766e", "border-left:4px solid #0f766e", `alt="NPS per wave: 2025 &#43;6, 2026 &#43;18"`, "Anna at &lt;Acme&gt; gave a 3",
		"Too slow &lt;b&gt;again&lt;/b&gt;\nand expensive", `href="https://nps.example.com/d/tok"`} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(m.HTML, "<b>again") || strings.Contains(m.HTML, "<Acme>") {
		t.Error("HTML carries the customer's markup")
	}
	m.To = mail.Address{Email: "eva@example.com"}
	if err := m.Validate(); err != nil {
		t.Errorf("the rendered digest does not validate: %v", err)
	}
}

func TestRenderDigestRejects(t *testing.T) {
	r := newRenderer(t)
	cases := map[string]func(d *mail.Digest){
		"no subject":            func(d *mail.Digest) { d.Subject = " " },
		"no unsubscribe link":   func(d *mail.Digest) { d.UnsubscribeURL = "" },
		"javascript button":     func(d *mail.Digest) { d.ButtonURL = "javascript:alert(1)" },
		"javascript item":       func(d *mail.Digest) { d.Sections[0].Items[0].URL = "javascript:alert(1)" },
		"relative link":         func(d *mail.Digest) { d.Links[0].URL = "/w/acme/digest" },
		"image it lacks":        func(d *mail.Digest) { d.Scores[0].Image = "other@promotor" },
		"image of another type": func(d *mail.Digest) { d.Images[0].ContentType = "text/html" },
		"logo it lacks":         func(d *mail.Digest) { d.Logo = "other@promotor" },
		"colour breaking out":   func(d *mail.Digest) { d.Colour = "red;background:url(x)" },
		"image ID breaking out": func(d *mail.Digest) {
			d.Images[0].CID, d.Scores[0].Image = `x"onerror="alert(1)`, `x"onerror="alert(1)`
		},
	}
	for name, change := range cases {
		d := testDigest(t)
		change(&d)
		if _, err := r.Digest(d); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}
