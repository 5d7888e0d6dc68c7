package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"unicode"

	"github.com/promotor/promotor/internal/i18n"
)

//go:embed templates
var templates embed.FS

// Invitation is what an invitation email says. The texts are in the
// contact's language: the survey's own texts (Question, labels) come from
// the survey, the email's sentences from the i18n catalog, so that adding
// a language is adding a locale file. Every text is treated as untrusted:
// escaped in HTML, reduced to one line where it is a name.
type Invitation struct {
	// Language is the contact's language (BCP 47, e.g. "nl" or "nl-BE");
	// a language the catalog lacks gives English.
	Language string
	// ContactName greets the contact; empty gives a greeting without name.
	ContactName string
	// AccountName is the contact's company, optional.
	AccountName string
	// SenderName is who asks: the workspace's name as the contact knows
	// it. Required.
	SenderName string
	// SurveyName is shown above the question and as the HTML title,
	// optional.
	SurveyName string
	// Question is the survey's NPS question in Language. Required.
	Question string
	// LowLabel and HighLabel name the ends of the scale (0 and 10); empty
	// gives the catalog's "Not at all likely" and "Extremely likely".
	LowLabel  string
	HighLabel string
	// ScoreURLs are the one-click links, ScoreURLs[i] answering i.
	ScoreURLs [11]string
	// SurveyURL opens the survey without choosing a score.
	SurveyURL string
	// UnsubscribeURL is the one-click unsubscribe link, shown in the
	// footer and sent as List-Unsubscribe; UnsubscribeMailto (optional,
	// "mailto:…") is its alternative in the header.
	UnsubscribeURL    string
	UnsubscribeMailto string
	// Reminder words the email as a reminder of an earlier invitation.
	Reminder bool
	// Note is an optional extra paragraph after the introduction, e.g.
	// what changed since the contact's last answer.
	Note string
	// Progress is what the sender did with the customer's feedback since
	// the contact's last answer; its zero value shows nothing.
	Progress Progress
}

// Progress is the "since your last answer we have: …" paragraph of an
// invitation: up to MaxProgressItems done actions, or else the latest
// shared update, and the link to the account's customer page.
type Progress struct {
	Done   []string
	Update string
	// URL is the customer page, an absolute http(s) link; optional.
	URL string
}

// MaxProgressItems is how many done actions an invitation lists.
const MaxProgressItems = 3

// Empty reports whether p has nothing to say.
func (p Progress) Empty() bool { return len(p.Done) == 0 && oneLine(p.Update) == "" }

// Renderer renders emails from the embedded templates and a catalog.
type Renderer struct {
	catalog *i18n.Catalog
	html    *htmltemplate.Template
	text    *texttemplate.Template
	// noticeHTML and noticeText lay out the loop's emails (notice.go).
	noticeHTML *htmltemplate.Template
	noticeText *texttemplate.Template
	// digestHTML and digestText lay out the digest (digest.go).
	digestHTML *htmltemplate.Template
	digestText *texttemplate.Template
	// langs remembers the catalog language chosen for each language asked
	// for: matching costs more than writing the rest of a message.
	langs sync.Map
}

// NewRenderer parses the templates; c provides the sentences.
func NewRenderer(c *i18n.Catalog) (*Renderer, error) {
	h, err := htmltemplate.ParseFS(templates, "templates/invitation.html")
	if err != nil {
		return nil, fmt.Errorf("mail: templates: %w", err)
	}
	t, err := texttemplate.ParseFS(templates, "templates/invitation.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: templates: %w", err)
	}
	nh, nt, err := parsePair("notice")
	if err != nil {
		return nil, err
	}
	dh, dt, err := parsePair("digest")
	if err != nil {
		return nil, err
	}
	return &Renderer{catalog: c, html: h, text: t, noticeHTML: nh, noticeText: nt, digestHTML: dh, digestText: dt}, nil
}

// invitationPage is the data of both invitation templates.
type invitationPage struct {
	Lang                string
	Greeting            string
	Intro               string
	Note                string
	ProgressIntro       string
	ProgressItems       []string
	ProgressUpdate      string
	ProgressLink        string
	ProgressURL         string
	SurveyName          string
	Question            string
	ScaleHint           string
	Scores              []scoreLink
	Low, High           string
	OpenSurveyText      string
	OpenSurvey          string
	SurveyURL           string
	Footer              string
	UnsubscribeQuestion string
	Unsubscribe         string
	UnsubscribeURL      string
}

type scoreLink struct {
	Score int
	URL   string
	Title string
}

// Invitation renders inv as a message with subject, text, HTML and the
// unsubscribe headers; the caller sets To, MessageID and Invitation.
func (r *Renderer) Invitation(inv Invitation) (*Message, error) {
	if err := inv.validate(); err != nil {
		return nil, fmt.Errorf("mail: invitation: %w", err)
	}
	lang := r.language(inv.Language)
	t := r.catalog.Messages(lang).T
	sender, account, name := oneLine(inv.SenderName), oneLine(inv.AccountName), oneLine(inv.ContactName)
	p := invitationPage{
		Lang:                lang,
		Greeting:            t("email.greeting_anonymous"),
		Note:                paragraph(inv.Note),
		SurveyName:          oneLine(inv.SurveyName),
		Question:            oneLine(inv.Question),
		Low:                 oneLine(inv.LowLabel),
		High:                oneLine(inv.HighLabel),
		OpenSurveyText:      t("email.open_survey_text"),
		OpenSurvey:          t("email.open_survey"),
		SurveyURL:           inv.SurveyURL,
		Footer:              t("email.footer", "sender", sender),
		UnsubscribeQuestion: t("email.unsubscribe_question"),
		Unsubscribe:         t("email.unsubscribe"),
		UnsubscribeURL:      inv.UnsubscribeURL,
	}
	if name != "" {
		p.Greeting = t("email.greeting", "name", name)
	}
	if pr := inv.Progress; !pr.Empty() {
		for _, d := range pr.Done {
			if d = oneLine(d); d != "" && len(p.ProgressItems) < MaxProgressItems {
				p.ProgressItems = append(p.ProgressItems, d)
			}
		}
		p.ProgressIntro = t("email.progress_done")
		if len(p.ProgressItems) == 0 {
			p.ProgressIntro, p.ProgressUpdate = t("email.progress_update"), paragraph(pr.Update)
		}
		p.ProgressURL, p.ProgressLink = pr.URL, t("email.progress_link")
	}
	intro, subject := "email.intro", "email.subject"
	if inv.Reminder {
		intro, subject = "email.intro_reminder", "email.subject_reminder"
	}
	if account != "" {
		intro += "_account"
	}
	p.Intro = t(intro, "sender", sender, "account", account)
	if p.Low == "" {
		p.Low = t("scale.low")
	}
	if p.High == "" {
		p.High = t("scale.high")
	}
	p.ScaleHint = t("email.scale_hint", "low", p.Low, "high", p.High)
	for i, u := range inv.ScoreURLs {
		p.Scores = append(p.Scores, scoreLink{Score: i, URL: u, Title: t("email.score_title", "score", i)})
	}
	var html, text bytes.Buffer
	if err := r.html.Execute(&html, p); err != nil {
		return nil, fmt.Errorf("mail: invitation HTML: %w", err)
	}
	if err := r.text.Execute(&text, p); err != nil {
		return nil, fmt.Errorf("mail: invitation text: %w", err)
	}
	return &Message{
		Subject:     t(subject, "sender", sender),
		Text:        text.String(),
		HTML:        html.String(),
		Unsubscribe: Unsubscribe{URL: inv.UnsubscribeURL, Mailto: inv.UnsubscribeMailto},
	}, nil
}

// language returns the catalog's language for asked, English when it has
// none that fits.
func (r *Renderer) language(asked string) string {
	if l, ok := r.langs.Load(asked); ok {
		return l.(string)
	}
	lang := i18n.Fallback
	if l, ok := i18n.Choose(r.catalog.Languages(), []string{asked}); ok {
		lang = l
	}
	r.langs.Store(asked, lang)
	return lang
}

func (inv *Invitation) validate() error {
	if oneLine(inv.SenderName) == "" {
		return errors.New("no sender name")
	}
	if oneLine(inv.Question) == "" {
		return errors.New("no question")
	}
	for i, u := range inv.ScoreURLs {
		if err := checkURL(u); err != nil {
			return fmt.Errorf("score %d link: %w", i, err)
		}
	}
	if err := checkURL(inv.SurveyURL); err != nil {
		return fmt.Errorf("survey link: %w", err)
	}
	if err := checkURL(inv.UnsubscribeURL); err != nil {
		return fmt.Errorf("unsubscribe link: %w", err)
	}
	if inv.Progress.URL != "" {
		if err := checkURL(inv.Progress.URL); err != nil {
			return fmt.Errorf("progress link: %w", err)
		}
	}
	if inv.UnsubscribeMailto != "" && !strings.HasPrefix(inv.UnsubscribeMailto, "mailto:") {
		return fmt.Errorf("unsubscribe mailto %q does not start with mailto:", inv.UnsubscribeMailto)
	}
	return nil
}

// checkURL accepts absolute http(s) links that need no escaping in a
// plain-text email.
func checkURL(s string) error {
	if s == "" {
		return errors.New("missing")
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if !printableASCII(s) {
		return fmt.Errorf("%q has spaces or characters that need escaping", s)
	}
	return nil
}

// oneLine makes a name fit on one line: whitespace runs become one space,
// and control and bidirectional-override characters, which could make a
// name pose as other text, are dropped.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// paragraph is oneLine for each line of s, without blank lines at either
// end.
func paragraph(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = oneLine(l)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// ScoreURLs returns the eleven one-click links of a survey link: base
// "https://nps.example.com/s/tok" gives ".../s/tok/0" to ".../s/tok/10".
func ScoreURLs(base string) [11]string {
	var u [11]string
	for i := range u {
		u[i] = base + "/" + strconv.Itoa(i)
	}
	return u
}
