package mail

import (
	"bytes"
	"cmp"
	"fmt"
	htmltemplate "html/template"
	"regexp"
)

// Digest is a user's digest email of a workspace: the score of each
// survey with its change and trend chart, sections of news (the new
// detractors, the overdue follow-ups), a button to the dashboard and the
// links to change or stop the digest. Its texts come written, in the
// user's language, from the caller; the renderer lays them out and
// escapes them, since a comment or an account's name may be any text.
type Digest struct {
	Language string
	Subject  string
	// Colour is the workspace's brand colour, "#rrggbb", of the rule at
	// the top and the quotes' borders (never of text, whose contrast it
	// might spoil); empty for Promotor's blue.
	Colour string
	// Logo is the CID of the workspace's logo among Images, shown at the
	// top with the text alternative LogoAlt; empty for none.
	Logo, LogoAlt string
	Greeting      string
	// Intro are the paragraphs before the scores.
	Intro    []string
	Scores   []DigestScore
	Sections []DigestSection
	// ButtonURL, an absolute http(s) URL, is shown as a button labelled
	// ButtonLabel.
	ButtonURL   string
	ButtonLabel string
	// Footer says why the user receives the digest; Links follow it.
	Footer string
	Links  []DigestLink
	// UnsubscribeURL is the one-click unsubscribe link (RFC 8058), sent
	// as List-Unsubscribe; the footer's links should offer it too.
	UnsubscribeURL string
	// Images are the charts the scores show, by CID.
	Images []Inline
}

// DigestScore is one survey's score in a digest.
type DigestScore struct {
	// Title names the survey and wave; Score is the NPS as shown ("+18",
	// or the words for no responses).
	Title string
	Score string
	// Lines say more: the interval, the change and its significance.
	Lines []string
	// Image is the CID of the score's chart among Digest.Images, shown
	// Width×Height CSS pixels (scaled down on narrow screens) with the
	// text alternative ImageAlt; empty for none.
	Image         string
	ImageAlt      string
	Width, Height int
}

// DigestSection is a list of news with a heading: Empty is shown when
// there are no Items, More after them when the list is cut short.
type DigestSection struct {
	Heading string
	Empty   string
	Items   []DigestItem
	More    string
}

// DigestItem is one entry of a section: a line, linked to URL when set
// (an absolute http(s) URL), and an optional quote (a comment).
type DigestItem struct {
	Text  string
	Quote string
	URL   string
}

// DigestLink is a link of the footer.
type DigestLink struct {
	Label string
	URL   string
}

// digestPage is the data of both digest templates.
type digestPage struct {
	Lang, Subject, Greeting string
	Colour, LogoAlt         string
	LogoSrc                 htmltemplate.URL
	Intro                   []string
	Scores                  []digestScore
	Sections                []DigestSection
	ButtonURL, ButtonLabel  string
	Footer                  string
	Links                   []DigestLink
}

// digestScore is a DigestScore with its image's address, which
// html/template would otherwise refuse as an unknown URL scheme.
type digestScore struct {
	DigestScore
	Src htmltemplate.URL
}

// promotorBlue is the colour of the digest's rule and quotes without a
// brand colour.
const promotorBlue = "#1d4ed8"

// brandColour matches a colour as workspaces keep it.
var brandColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Digest renders d as a message with subject, text, HTML, its images and
// the unsubscribe header; the caller sets To and MessageID.
func (r *Renderer) Digest(d Digest) (*Message, error) {
	p := digestPage{
		Lang:        r.language(d.Language),
		Subject:     oneLine(d.Subject),
		Greeting:    oneLine(d.Greeting),
		ButtonURL:   d.ButtonURL,
		ButtonLabel: oneLine(d.ButtonLabel),
		Footer:      oneLine(d.Footer),
		Colour:      cmp.Or(d.Colour, promotorBlue),
		LogoAlt:     oneLine(d.LogoAlt),
	}
	if p.Subject == "" {
		return nil, fmt.Errorf("mail: digest: no subject")
	}
	if !brandColour.MatchString(p.Colour) {
		return nil, fmt.Errorf("mail: digest: the colour %q is not #rrggbb", d.Colour)
	}
	if err := checkURL(d.UnsubscribeURL); err != nil {
		return nil, fmt.Errorf("mail: digest: unsubscribe link: %w", err)
	}
	if d.ButtonURL != "" {
		if err := checkURL(d.ButtonURL); err != nil {
			return nil, fmt.Errorf("mail: digest: button: %w", err)
		}
	}
	if err := validateImages(d.Images); err != nil {
		return nil, fmt.Errorf("mail: digest: %w", err)
	}
	images := map[string]bool{}
	for _, img := range d.Images {
		images[img.CID] = true
	}
	if d.Logo != "" {
		if !images[d.Logo] {
			return nil, fmt.Errorf("mail: digest: the logo %q is not among the images", d.Logo)
		}
		p.LogoSrc = htmltemplate.URL("cid:" + d.Logo)
	}
	for _, s := range d.Intro {
		if s = paragraph(s); s != "" {
			p.Intro = append(p.Intro, s)
		}
	}
	for _, s := range d.Scores {
		if s.Image != "" && !images[s.Image] {
			return nil, fmt.Errorf("mail: digest: the score %q shows the image %q, which the digest lacks", s.Title, s.Image)
		}
		ds := digestScore{DigestScore: DigestScore{Title: oneLine(s.Title), Score: oneLine(s.Score),
			Image: s.Image, ImageAlt: oneLine(s.ImageAlt), Width: s.Width, Height: s.Height}}
		for _, l := range s.Lines {
			if l = oneLine(l); l != "" {
				ds.Lines = append(ds.Lines, l)
			}
		}
		if s.Image != "" {
			ds.Src = htmltemplate.URL("cid:" + s.Image)
		}
		p.Scores = append(p.Scores, ds)
	}
	for _, sec := range d.Sections {
		out := DigestSection{Heading: oneLine(sec.Heading), Empty: oneLine(sec.Empty), More: oneLine(sec.More)}
		for _, it := range sec.Items {
			if it.URL != "" {
				if err := checkURL(it.URL); err != nil {
					return nil, fmt.Errorf("mail: digest: link of %q: %w", it.Text, err)
				}
			}
			out.Items = append(out.Items, DigestItem{Text: oneLine(it.Text), Quote: paragraph(it.Quote), URL: it.URL})
		}
		p.Sections = append(p.Sections, out)
	}
	for _, l := range d.Links {
		if err := checkURL(l.URL); err != nil {
			return nil, fmt.Errorf("mail: digest: link %q: %w", l.Label, err)
		}
		p.Links = append(p.Links, DigestLink{Label: oneLine(l.Label), URL: l.URL})
	}
	var html, text bytes.Buffer
	if err := r.digestHTML.Execute(&html, p); err != nil {
		return nil, fmt.Errorf("mail: digest HTML: %w", err)
	}
	if err := r.digestText.Execute(&text, p); err != nil {
		return nil, fmt.Errorf("mail: digest text: %w", err)
	}
	return &Message{Subject: p.Subject, Text: text.String(), HTML: html.String(),
		Unsubscribe: Unsubscribe{URL: d.UnsubscribeURL}, Inline: d.Images}, nil
}
