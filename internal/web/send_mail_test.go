package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/send"
	"github.com/promotor/promotor/internal/store"
	"github.com/promotor/promotor/internal/store/storetest"
)

// TestSendThroughMailpit sends a wave's invitations end to end: the
// store chooses the recipients, the sender writes each message in its
// contact's language and hands it to the real SMTP sender (two reused
// connections), Mailpit receives it, and the links in what arrived are
// followed against the real server: a score clicked in Chromium is
// recorded, the List-Unsubscribe URL posted as a mail client does opts
// the contact out, and the reminders go to the others only. It runs on
// both databases, and needs Mailpit and Chromium (skipped without them,
// failing under PROMOTOR_REQUIRE_INTEGRATION=1).
func TestSendThroughMailpit(t *testing.T) {
	browser := startBrowser(t)
	mp := mailtest.Start(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		r := newMailRun(t, db, mp, browser)
		for _, step := range []struct {
			name string
			run  func(*testing.T)
		}{
			{"invitations", r.invitations},
			{"rejected recipient", r.rejectedRecipient},
			{"one-click score in a browser", r.oneClickScore},
			{"one-click unsubscribe", r.oneClickUnsubscribe},
			{"reminders", r.reminders},
			{"connection reuse", r.connectionReuse},
		} {
			if !t.Run(step.name, step.run) {
				return // the later steps build on this one
			}
		}
	})
}

// mailSender is the workspace's name, which signs every message.
const mailSender = "Acme Zuivel"

// mailWording is what an invitation says in a language, copied from the
// locale files (email.*) so that a changed sentence is a deliberate
// change of this test too. {sender}, {account} and {name} are filled in.
type mailWording struct {
	subject, greeting, intro, introAccount               string
	reminderSubject, reminderIntro, reminderIntroAccount string
	hint, unsubscribe                                    string
}

var mailWordings = map[string]mailWording{
	"nl": {
		subject:              "{sender} wil graag uw mening",
		greeting:             "Beste {name},",
		intro:                "{sender} wil u graag één korte vraag stellen. Antwoorden kost één klik.",
		introAccount:         "{sender} wil u, als contactpersoon bij {account}, graag één korte vraag stellen.",
		reminderSubject:      "Herinnering: {sender} wil graag uw mening",
		reminderIntro:        "Herinnering: {sender} stelde u onlangs één korte vraag en hoort graag nog van u.",
		reminderIntroAccount: "Herinnering: {sender} stelde u, als contactpersoon bij {account}, onlangs één korte vraag",
		hint:                 "Kies een cijfer van 0 tot 10 (0 = Zeer onwaarschijnlijk, 10 = Zeer waarschijnlijk).",
		unsubscribe:          "Liever geen vragenlijsten meer ontvangen? Afmelden",
	},
	"en": {
		subject:              "{sender} would like your opinion",
		greeting:             "Dear {name},",
		intro:                "{sender} would like to ask you one short question. Answering takes a single click.",
		introAccount:         "{sender} would like to ask you, as a contact at {account}, one short question.",
		reminderSubject:      "A reminder: {sender} would like your opinion",
		reminderIntro:        "A reminder: {sender} recently asked you one short question and would still like to hear from you.",
		reminderIntroAccount: "A reminder: {sender} recently asked you, as a contact at {account}, one short question",
		hint:                 "Choose a number from 0 to 10 (0 = Not at all likely, 10 = Extremely likely).",
		unsubscribe:          "Would you rather not receive these surveys? Unsubscribe",
	},
}

// mailRecipient is a contact the send invites, and what reached them.
type mailRecipient struct {
	contact nps.Contact
	account string
	// Set by the invitations step from the delivered message.
	token   string
	inv     nps.Invitation
	message *mailtest.Message
}

// words returns the recipient's expected subject, intro and other lines.
func (rc *mailRecipient) words(reminder bool) (subject string, lines []string) {
	w := mailWordings[rc.contact.Language]
	fill := strings.NewReplacer("{sender}", mailSender, "{account}", rc.account, "{name}", rc.contact.Name).Replace
	subject, intro := w.subject, w.intro
	switch {
	case reminder && rc.account != "":
		subject, intro = w.reminderSubject, w.reminderIntroAccount
	case reminder:
		subject, intro = w.reminderSubject, w.reminderIntro
	case rc.account != "":
		intro = w.introAccount
	}
	return fill(subject), []string{fill(w.greeting), fill(intro), w.hint, w.unsubscribe}
}

// mailRun is one database's run of the scenario.
type mailRun struct {
	db      *store.DB
	mp      *mailtest.Mailpit
	browser context.Context
	clock   *appClock
	srv     *httptest.Server
	smtp    *mail.SMTP
	cfg     mail.Config
	sender  *send.Sender

	ws     nps.Workspace
	survey nps.Survey
	wave   nps.Wave
	send   nps.Send

	// Who gets the invitation: answers by a click (nl), unsubscribes
	// (en), stays silent (one of each language), and an address the
	// server refuses.
	clicker, leaver, silentNL, silentEN, rejected *mailRecipient
	// Who the send leaves out.
	optedOut, noEmail, fatigued, churned nps.Contact
}

// mailReminderDays is the send's wait before a reminder.
const mailReminderDays = 3

func newMailRun(t *testing.T, db *store.DB, mp *mailtest.Mailpit, browser context.Context) *mailRun {
	t.Helper()
	ctx := context.Background()
	r := &mailRun{db: db, mp: mp, browser: browser, clock: &appClock{t: time.Now().UTC().Truncate(time.Second)}}
	db.Now = r.clock.now
	s, err := New(db, mailLog(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(s.Handler())
	t.Cleanup(r.srv.Close)

	r.cfg = mp.Config()
	r.cfg.Connections = 2
	r.smtp, err = mail.NewSMTP(r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.smtp.Close() })
	renderer, err := mail.NewRenderer(catalog)
	if err != nil {
		t.Fatal(err)
	}
	r.sender = &send.Sender{DB: db, Mail: r.smtp, Render: renderer, BaseURL: r.srv.URL, Log: mailLog(t)}

	r.ws = check(db.CreateWorkspace(ctx, nps.Workspace{Slug: "zuivel", Name: mailSender}))(t)
	if err := db.SetFatigueDays(ctx, r.ws.ID, 30); err != nil {
		t.Fatal(err)
	}
	r.survey = check(db.CreateSurvey(ctx, r.ws.ID, testSurvey("Klanttevredenheid 2026", false)))(t)
	opens := r.clock.now().Add(-time.Hour)
	r.wave = check(db.CreateWave(ctx, r.ws.ID, nps.Wave{SurveyID: r.survey.ID, Name: "Voorjaar", OpensAt: opens}))(t)
	pilot := check(db.CreateWave(ctx, r.ws.ID, nps.Wave{SurveyID: r.survey.ID, Name: "Pilot", OpensAt: opens}))(t)

	account := func(name string, status nps.AccountStatus) nps.Account {
		a := nps.Account{Name: name, Status: status}
		if status == nps.AccountChurned {
			a.ChurnedAt = r.clock.now().Add(-24 * time.Hour)
		}
		return check(db.CreateAccount(ctx, r.ws.ID, a))(t)
	}
	contact := func(c nps.Contact) nps.Contact {
		t.Helper()
		return check(db.CreateContact(ctx, r.ws.ID, c))(t)
	}
	recipient := func(email, name, lang string, a *nps.Account) *mailRecipient {
		t.Helper()
		rc := &mailRecipient{}
		c := nps.Contact{Email: email, Name: name, Language: lang}
		if a != nil {
			c.AccountID, rc.account = a.ID, a.Name
		}
		rc.contact = contact(c)
		return rc
	}
	bakkerij, globex := account("Bakkerij Ëlst", nps.AccountActive), account("Globex Ltd", nps.AccountActive)
	r.clicker = recipient(mailtest.Address(t), "Anneke de Vries", "nl", &bakkerij)
	r.leaver = recipient(mailtest.Address(t), "John Smith", "en", &globex)
	r.silentNL = recipient(mailtest.Address(t), "Pieter Jansen", "nl", nil)
	r.silentEN = recipient(mailtest.Address(t), "Mary Jones", "en", &globex)
	r.rejected = recipient(mailtest.RejectedAddress(t), "Rob Refused", "nl", nil)

	r.optedOut = contact(nps.Contact{Email: mailtest.Address(t), Name: "Olga Opted-Out", Language: "nl"})
	check(db.OptOutContact(ctx, r.ws.ID, r.optedOut.ID))(t)
	r.noEmail = contact(nps.Contact{ExternalID: "crm-42", Name: "Nico No-Email", Language: "nl"})
	r.fatigued = contact(nps.Contact{Email: mailtest.Address(t), Name: "Femke Fatigued", Language: "nl"})
	check(db.CreateInvitation(ctx, r.ws.ID, pilot.ID, r.fatigued.ID))(t)
	old := account("Oud BV", nps.AccountChurned)
	r.churned = contact(nps.Contact{AccountID: old.ID, Email: mailtest.Address(t), Name: "Chris Churned", Language: "en"})

	r.clock.add(24 * time.Hour) // the pilot's invitation is a day old, well within the 30 fatigue days
	r.send = check(db.CreateSend(ctx, r.ws.ID, nps.Send{WaveID: r.wave.ID, Audience: nps.Audience{Kind: nps.AudienceAll},
		ScheduledAt: r.clock.now(), PerMinute: 600, ReminderDays: mailReminderDays, MaxReminders: 2}))(t)
	return r
}

// mailLog logs errors to the test's log; the expected warning about the
// refused address stays out of it.
func mailLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
}

// delivered are the recipients whose address the server accepts.
func (r *mailRun) delivered() []*mailRecipient {
	return []*mailRecipient{r.clicker, r.leaver, r.silentNL, r.silentEN}
}

// drain sends what is due a second from now, when every message of the
// send's pace (600 a minute) is.
func (r *mailRun) drain(t *testing.T) {
	t.Helper()
	r.clock.add(time.Second)
	if err := r.sender.Drain(context.Background()); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

func (r *mailRun) invitations(t *testing.T) {
	ctx := context.Background()
	if err := r.sender.StartDue(ctx); err != nil {
		t.Fatalf("start due sends: %v", err)
	}
	got := check(r.db.Send(ctx, r.ws.ID, r.send.ID))(t)
	if got.State != nps.SendSending || got.Recipients != 5 || got.SkippedOptedOut != 1 || got.SkippedFatigue != 1 ||
		got.SkippedNoEmail != 1 || got.SkippedInvited != 0 {
		t.Errorf("started send: got state %s, %d recipients, skipped %d opted out, %d fatigued, %d without email, %d invited; "+
			"want sending, 5, 1, 1, 1, 0", got.State, got.Recipients, got.SkippedOptedOut, got.SkippedFatigue, got.SkippedNoEmail, got.SkippedInvited)
	}
	r.drain(t)

	for _, rc := range r.delivered() {
		msgs := r.mp.API.WaitTo(t, rc.contact.Email, 1)
		if len(msgs) != 1 {
			t.Errorf("%s: got %d messages, want 1", rc.contact.Name, len(msgs))
		}
		r.checkMessage(t, rc, msgs[len(msgs)-1].ID, false)
	}
	for _, c := range []nps.Contact{r.optedOut, r.fatigued, r.churned} {
		r.expectMessages(t, c.Name, c.Email, 0)
	}
	if t.Failed() {
		return
	}
	for _, rc := range r.delivered() {
		if rc.inv.Status != nps.InvitationSent {
			t.Errorf("%s's invitation: got status %s, want %s", rc.contact.Name, rc.inv.Status, nps.InvitationSent)
		}
	}
}

// checkMessage checks the message Mailpit holds under id as rc's
// invitation (or reminder): language, names, links and headers. The
// first time it records rc's token and invitation.
func (r *mailRun) checkMessage(t *testing.T, rc *mailRecipient, id string, reminder bool) {
	t.Helper()
	ctx := context.Background()
	m, err := r.mp.API.Message(ctx, id)
	if err != nil {
		t.Fatalf("%s: %v", rc.contact.Name, err)
	}
	m.Text = strings.ReplaceAll(m.Text, "\r\n", "\n") // as sent: SMTP's line ends
	h, err := r.mp.API.Headers(ctx, id)
	if err != nil {
		t.Fatalf("%s: %v", rc.contact.Name, err)
	}
	who := rc.contact.Name
	if reminder {
		who += "'s reminder"
	}
	token := h.Get(mail.HeaderInvitation)
	inv, err := r.db.InvitationByToken(ctx, token)
	if err != nil || inv.ContactID != rc.contact.ID || inv.WaveID != r.wave.ID {
		t.Fatalf("%s: %s %q is invitation %+v (error %v), want the invitation of contact %d to wave %d",
			who, mail.HeaderInvitation, token, inv, err, rc.contact.ID, r.wave.ID)
	}
	if rc.token == "" {
		rc.token, rc.inv, rc.message = token, inv, m
	} else if token != rc.token {
		t.Errorf("%s: got %s %q, want the invitation's %q", who, mail.HeaderInvitation, token, rc.token)
	}

	subject, lines := rc.words(reminder)
	if m.Subject != subject {
		t.Errorf("%s: got subject %q, want %q", who, m.Subject, subject)
	}
	if len(m.To) != 1 || m.To[0].Name != rc.contact.Name || m.To[0].Address != rc.contact.Email {
		t.Errorf("%s: got To %+v, want %s <%s>", who, m.To, rc.contact.Name, rc.contact.Email)
	}
	question := r.survey.Text(rc.contact.Language).Question
	other := r.survey.Text(map[string]string{"nl": "en", "en": "nl"}[rc.contact.Language]).Question
	for _, want := range append(lines, question) {
		if !strings.Contains(m.Text, want) {
			t.Errorf("%s: text part lacks %q:\n%s", who, want, m.Text)
		}
	}
	if strings.Contains(m.Text, other) || strings.Contains(m.HTML, other) {
		t.Errorf("%s: holds the question of the other language %q", who, other)
	}
	for _, want := range []string{`<html lang="` + rc.contact.Language + `">`, question, rc.contact.Name, r.survey.Name} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("%s: HTML part lacks %q", who, want)
		}
	}
	if rc.account != "" && !strings.Contains(m.HTML, rc.account) {
		t.Errorf("%s: HTML part lacks the account's name %q", who, rc.account)
	}

	// The eleven one-click links, in order, in both parts; the survey and
	// unsubscribe links.
	link := r.srv.URL + "/s/" + token
	unsubscribe := r.srv.URL + "/u/" + token
	var scores []string
	for _, sm := range regexp.MustCompile(`href="`+regexp.QuoteMeta(link)+`/(\d+)"`).FindAllStringSubmatch(m.HTML, -1) {
		scores = append(scores, sm[1])
	}
	var want []string
	for i := range 11 {
		want = append(want, strconv.Itoa(i))
		if u := link + "/" + strconv.Itoa(i); !strings.Contains(m.Text, u+"\n") {
			t.Errorf("%s: text part lacks the link %s", who, u)
		}
	}
	if !slices.Equal(scores, want) {
		t.Errorf("%s: got one-click links to the scores %v in the HTML part, want %v", who, scores, want)
	}
	for _, u := range []string{link, unsubscribe} {
		if !strings.Contains(m.HTML, `href="`+u+`"`) || !strings.Contains(m.Text, u+"\n") {
			t.Errorf("%s: a part lacks the link %s", who, u)
		}
	}

	if got, want := h.Get("List-Unsubscribe"), "<"+unsubscribe+">"; got != want {
		t.Errorf("%s: got List-Unsubscribe %q, want %q", who, got, want)
	}
	if got, want := h.Get("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click"; got != want {
		t.Errorf("%s: got List-Unsubscribe-Post %q, want %q", who, got, want)
	}
	if lu := m.ListUnsubscribe; !slices.Equal(lu.Links, []string{unsubscribe}) || lu.HeaderPost != "List-Unsubscribe=One-Click" {
		t.Errorf("%s: got List-Unsubscribe as Mailpit reads it %+v, want the link %s with one-click", who, lu, unsubscribe)
	}
	if m.MessageID == "" || h.Get("Message-Id") != "<"+m.MessageID+">" {
		t.Errorf("%s: got Message-ID header %q (Mailpit read %q), want one in angle brackets", who, h.Get("Message-Id"), m.MessageID)
	}
	if reminder && m.MessageID == rc.message.MessageID {
		t.Errorf("%s: got the invitation's Message-ID %q, want a new one", who, m.MessageID)
	}
}

// expectMessages checks that Mailpit holds n messages to email. A
// message the store never sent cannot arrive later, so counting once is
// enough; the store's counts are checked besides.
func (r *mailRun) expectMessages(t *testing.T, who, email string, n int) {
	t.Helper()
	_, total, err := r.mp.API.Search(context.Background(), mailtest.ToQuery(email), 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != n {
		t.Errorf("%s (%s): got %d messages, want %d", who, email, total, n)
	}
}

// rejectedRecipient checks that the address the server refused failed
// for good with the server's reply, while the others went out.
func (r *mailRun) rejectedRecipient(t *testing.T) {
	p := check(r.db.SendProgress(context.Background(), r.ws.ID, r.send.ID))(t)
	if p.Messages[nps.MessageSent] != 4 || p.Messages[nps.MessageFailed] != 1 || p.Total() != 5 {
		t.Errorf("progress: got messages %v, want 4 sent and 1 failed", p.Messages)
	}
	if len(p.LastErrors) != 1 || p.LastErrors[0].Email != r.rejected.contact.Email ||
		!strings.HasPrefix(p.LastErrors[0].Error, "mail: RCPT TO: 550 ") {
		t.Errorf("last errors: got %+v, want one for %s starting %q", p.LastErrors, r.rejected.contact.Email, "mail: RCPT TO: 550 ")
	}
	r.expectMessages(t, r.rejected.contact.Name, r.rejected.contact.Email, 0)
}

// oneClickScore opens the "8" of the Dutch message in Chromium and waits
// for the page's automatic POST to record it.
func (r *mailRun) oneClickScore(t *testing.T) {
	rc := r.clicker
	sm := regexp.MustCompile(`<a href="([^"]+)" title="Antwoord 8"`).FindStringSubmatch(rc.message.HTML)
	if sm == nil {
		t.Fatalf("no link titled %q in the HTML part:\n%s", "Antwoord 8", rc.message.HTML)
	}
	if want := r.srv.URL + "/s/" + rc.token + "/8"; sm[1] != want {
		t.Fatalf("the link of 8: got %s, want %s", sm[1], want)
	}
	ctx, cancel := chromedp.NewContext(r.browser)
	defer cancel()
	do(t, ctx, "open the link of 8", chromedp.Navigate(sm[1]))
	deadline := time.Now().Add(browserTimeout)
	for {
		resp, err := r.db.ResponseOfInvitation(context.Background(), r.ws.ID, rc.inv.ID)
		if err == nil && resp.Score == 8 && resp.Language == "nl" {
			break
		}
		if err != nil && !errors.Is(err, nps.ErrNotFound) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("answer of %s's invitation: got %+v (error %v), want the score 8 in Dutch", rc.contact.Name, resp, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if inv := check(r.db.Invitation(context.Background(), r.ws.ID, rc.inv.ID))(t); inv.Status != nps.InvitationResponded {
		t.Errorf("invitation after the click: got status %s, want %s", inv.Status, nps.InvitationResponded)
	}
}

// oneClickUnsubscribe does what a mail client's unsubscribe button does
// with the English message's List-Unsubscribe URL: a plain POST of the
// one-click body, without a browser's headers. A GET (a link scanner)
// before it must change nothing.
func (r *mailRun) oneClickUnsubscribe(t *testing.T) {
	ctx := context.Background()
	rc := r.leaver
	u := rc.message.ListUnsubscribe.Links[0]
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := check(r.db.Contact(ctx, r.ws.ID, rc.contact.ID))(t); resp.StatusCode != http.StatusOK || c.OptedOut() {
		t.Fatalf("GET %s: got status %d and opted out %v, want 200 and still subscribed", u, resp.StatusCode, c.OptedOut())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("one-click POST %s: got status %d, want 200", u, resp.StatusCode)
	}
	if c := check(r.db.Contact(ctx, r.ws.ID, rc.contact.ID))(t); !c.OptedOut() {
		t.Errorf("%s after the one-click POST: got not opted out, want opted out", rc.contact.Name)
	}
	if inv := check(r.db.Invitation(ctx, r.ws.ID, rc.inv.ID))(t); inv.Status != nps.InvitationOptedOut {
		t.Errorf("invitation after the one-click POST: got status %s, want %s", inv.Status, nps.InvitationOptedOut)
	}
}

// reminders moves the clock past the reminder days: the two silent
// contacts get a reminder in their language, the one who answered, the
// one who left and the refused address get none, and nothing more is due
// until more time passes.
func (r *mailRun) reminders(t *testing.T) {
	ctx := context.Background()
	r.clock.add(mailReminderDays*24*time.Hour + time.Minute)
	if n := check(r.db.QueueReminders(ctx))(t); n != 2 {
		t.Errorf("reminders queued: got %d, want 2 (the silent contacts)", n)
	}
	r.drain(t)
	for _, rc := range []*mailRecipient{r.silentNL, r.silentEN} {
		msgs := r.mp.API.WaitTo(t, rc.contact.Email, 2) // newest first
		r.checkMessage(t, rc, msgs[0].ID, true)
	}
	for _, rc := range []*mailRecipient{r.clicker, r.leaver} {
		r.expectMessages(t, rc.contact.Name+" (after the reminders)", rc.contact.Email, 1)
	}
	r.expectMessages(t, r.rejected.contact.Name+" (after the reminders)", r.rejected.contact.Email, 0)
	for _, rc := range []*mailRecipient{r.silentNL, r.silentEN} {
		if inv := check(r.db.Invitation(ctx, r.ws.ID, rc.inv.ID))(t); inv.ReminderCount != 1 {
			t.Errorf("%s's invitation: got %d reminders, want 1", rc.contact.Name, inv.ReminderCount)
		}
	}
	if n := check(r.db.QueueReminders(ctx))(t); n != 0 {
		t.Errorf("reminders queued again at once: got %d, want 0", n)
	}
	p := check(r.db.SendProgress(ctx, r.ws.ID, r.send.ID))(t)
	if p.Messages[nps.MessageSent] != 6 || p.Messages[nps.MessageFailed] != 1 || p.Total() != 7 ||
		p.Responded != 1 || p.OptedOut != 1 {
		t.Errorf("progress after the reminders: got %+v, want 6 sent, 1 failed, 1 responded, 1 opted out", p)
	}
}

// connectionReuse checks that the six messages (and the refused one)
// went through at most the two connections the sender may open.
func (r *mailRun) connectionReuse(t *testing.T) {
	st := r.smtp.Stats()
	if st.Sent != 6 || st.Dials < 1 || st.Dials > int64(r.cfg.Connections) {
		t.Errorf("SMTP stats: got %d sent over %d connections, want 6 over at most %d", st.Sent, st.Dials, r.cfg.Connections)
	}
}
