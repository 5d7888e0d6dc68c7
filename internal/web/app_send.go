package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/send"
	"github.com/promotor/promotor/internal/store"
)

// Sending a wave's invitations: the sends of a wave with a form for a new
// one, a send's progress, the email preview and a test send.

// appSendForm is the new-send form's input as typed.
type appSendForm struct {
	Audience, Field, Value, Months   string
	ScheduledAt, PerMinute           string
	ReminderDays, MaxReminders, Test string
}

// send returns the send the form describes, or a *nps.ValidationError,
// in the language of m, for input that is not a number or a time.
func (f appSendForm) send(m i18n.Messages, waveID int64, now time.Time) (nps.Send, error) {
	s := nps.Send{WaveID: waveID, Audience: nps.Audience{Kind: nps.AudienceKind(f.Audience), Field: f.Field, Value: f.Value}}
	var err error
	if s.ScheduledAt, err = appParseTime(m, "scheduled_at", f.ScheduledAt); err != nil {
		return s, err
	}
	if s.ScheduledAt.IsZero() {
		s.ScheduledAt = now
	}
	for _, n := range []struct {
		field, value string
		dst          *int
	}{
		{"audience.months", f.Months, &s.Audience.Months}, {"per_minute", f.PerMinute, &s.PerMinute},
		{"reminder_days", f.ReminderDays, &s.ReminderDays}, {"max_reminders", f.MaxReminders, &s.MaxReminders},
	} {
		if n.value == "" {
			continue
		}
		v, err := strconv.Atoi(n.value)
		if err != nil {
			return s, &nps.ValidationError{Field: n.field, Message: m.T("app.sends.bad_number")}
		}
		*n.dst = v
	}
	if s.Audience.Kind != nps.AudienceSilent {
		s.Audience.Months = 0
	}
	if s.Audience.Kind != nps.AudienceSegment {
		s.Audience.Field, s.Audience.Value = "", ""
	}
	s.State = nps.SendScheduled
	return s, nil
}

// appAudience is a send's audience with the page's layout, for the
// "audience" partial, which says it in the page's language.
type appAudience struct {
	appLayout
	nps.Audience
}

// AudienceOf returns the data of the "audience" partial for a.
func (l appLayout) AudienceOf(a nps.Audience) appAudience {
	return appAudience{appLayout: l, Audience: a}
}

// appSendsPage is the data of a wave's sends.
type appSendsPage struct {
	appLayout
	appFormErrors
	Survey nps.Survey
	Wave   nps.Wave
	Sends  []appSendRow
	Form   appSendForm
	// MailReady says that an SMTP server is configured.
	MailReady bool
	// Notice reports the outcome of a test send.
	Notice string
}

// appSendRow is a send with its progress.
type appSendRow struct {
	nps.Send
	Progress nps.SendProgress
}

// Percent is the share of the send's messages that need no more work.
func (r appSendRow) Percent() int {
	if r.Progress.Total() == 0 {
		return 0
	}
	return 100 * r.Progress.Done() / r.Progress.Total()
}

// Sent is the number of messages the SMTP server accepted.
func (r appSendRow) Sent() int { return r.Progress.Messages[nps.MessageSent] }

// Waiting is the number of messages still to go out.
func (r appSendRow) Waiting() int {
	return r.Progress.Messages[nps.MessageQueued] + r.Progress.Messages[nps.MessageSending]
}

// Failed is the number of messages that failed for good.
func (r appSendRow) Failed() int { return r.Progress.Messages[nps.MessageFailed] }

// Cancelled is the number of messages not sent after all.
func (r appSendRow) Cancelled() int { return r.Progress.Messages[nps.MessageCancelled] }

// Live says that the send's page should refresh itself.
func (r appSendRow) Live() bool {
	return r.State == nps.SendScheduled || (r.State == nps.SendSending && r.Waiting() > 0)
}

// appWaveOf reads the wave of the URL and its survey.
func (s *Server) appWaveOf(r *http.Request, a *appRequest) (nps.Wave, nps.Survey, error) {
	id, err := appPathID(r, "wave")
	if err != nil {
		return nps.Wave{}, nps.Survey{}, err
	}
	return s.waveAndSurvey(r, a, id)
}

// waveAndSurvey reads a wave of the workspace and its survey.
func (s *Server) waveAndSurvey(r *http.Request, a *appRequest, waveID int64) (nps.Wave, nps.Survey, error) {
	wv, err := s.db.Wave(r.Context(), a.Workspace.ID, waveID)
	if err != nil {
		return wv, nps.Survey{}, err
	}
	sv, err := s.db.Survey(r.Context(), a.Workspace.ID, wv.SurveyID)
	return wv, sv, err
}

func (s *Server) sendsPage(r *http.Request, a *appRequest, wv nps.Wave, sv nps.Survey) (appSendsPage, error) {
	p := appSendsPage{appLayout: a.layout(a.M.T("app.sends.title", "wave", wv.Name)), Survey: sv, Wave: wv, MailReady: s.opts.Mail != nil,
		Form: appSendForm{Audience: string(nps.AudienceAll), PerMinute: "600", ReminderDays: "7", MaxReminders: "1",
			Months: "12", ScheduledAt: s.db.Now().UTC().Format(appLocalTime), Test: a.User.Email}}
	sends, err := s.db.Sends(r.Context(), a.Workspace.ID, wv.ID)
	if err != nil {
		return p, err
	}
	for _, sd := range sends {
		pr, err := s.db.SendProgress(r.Context(), a.Workspace.ID, sd.ID)
		if err != nil {
			return p, err
		}
		p.Sends = append(p.Sends, appSendRow{Send: sd, Progress: pr})
	}
	return p, nil
}

func (s *Server) handleAppSends(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	wv, sv, err := s.appWaveOf(r, a)
	if err != nil {
		return err
	}
	p, err := s.sendsPage(r, a, wv, sv)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/sends", p)
}

func (s *Server) handleAppSendCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	wv, sv, err := s.appWaveOf(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	get := func(name string) string { return strings.TrimSpace(r.PostForm.Get(name)) }
	f := appSendForm{Audience: get("audience"), Field: get("field"), Value: get("value"), Months: get("months"),
		ScheduledAt: get("scheduled_at"), PerMinute: get("per_minute"), ReminderDays: get("reminder_days"),
		MaxReminders: get("max_reminders")}
	sd, err := f.send(a.M, wv.ID, s.db.Now())
	if err == nil {
		sd.CreatedBy = a.User.ID
		sd, err = s.db.CreateSend(r.Context(), a.Workspace.ID, sd)
	}
	if ve := (*nps.ValidationError)(nil); errors.As(err, &ve) || errors.Is(err, nps.ErrWaveClosed) {
		p, perr := s.sendsPage(r, a, wv, sv)
		if perr != nil {
			return perr
		}
		if ve == nil {
			ve = &nps.ValidationError{Message: a.M.T("app.sends.wave_closes_first")}
		}
		p.appFormErrors, p.Form = appFormErrors{ve}, f
		return s.render(w, http.StatusUnprocessableEntity, "app/sends", p)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/sends/"+strconv.FormatInt(sd.ID, 10), http.StatusSeeOther)
	return nil
}

// appSendPage is the data of a send's progress.
type appSendPage struct {
	appLayout
	Survey nps.Survey
	Wave   nps.Wave
	Send   appSendRow
	// Deliveries is a page of the send's invitations, of the state Shown
	// ("" for all); Next links to the next page, empty on the last.
	Deliveries []store.Delivery
	Shown      nps.MessageState
	Next       string
	// OwnOnly says that the list holds the reader's own accounts only.
	OwnOnly bool
}

// appDeliveryStates are the filters of a send's invitations.
var appDeliveryStates = []nps.MessageState{nps.MessageQueued, nps.MessageSent, nps.MessageFailed, nps.MessageCancelled}

// States lists the filters of the invitations.
func (appSendPage) States() []nps.MessageState { return appDeliveryStates }

func (s *Server) appSendOf(r *http.Request, a *appRequest) (nps.Send, error) {
	id, err := appPathID(r, "send")
	if err != nil {
		return nps.Send{}, err
	}
	return s.db.Send(r.Context(), a.Workspace.ID, id)
}

func (s *Server) handleAppSend(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sd, err := s.appSendOf(r, a)
	if err != nil {
		return err
	}
	wv, sv, err := s.waveAndSurvey(r, a, sd.WaveID)
	if err != nil {
		return err
	}
	pr, err := s.db.SendProgress(r.Context(), a.Workspace.ID, sd.ID)
	if err != nil {
		return err
	}
	p := appSendPage{appLayout: a.layout(a.M.T("app.send.title", "wave", wv.Name)), Survey: sv, Wave: wv, Send: appSendRow{Send: sd, Progress: pr}}
	q := r.URL.Query()
	f := store.DeliveryFilter{Message: nps.MessageState(q.Get("state")), Limit: 100}
	if f.Message != "" && !slices.Contains(appDeliveryStates, f.Message) {
		return appHTTPError(http.StatusBadRequest, nil, "app.error.bad_filter")
	}
	if v := q.Get("after"); v != "" {
		if f.After, err = strconv.ParseInt(v, 10, 64); err != nil || f.After < 0 {
			return appHTTPError(http.StatusBadRequest, nil, "app.error.bad_page_link")
		}
	}
	if a.Role == nps.RoleMember {
		f.OwnerID, p.OwnOnly = a.User.ID, true
	}
	if p.Deliveries, err = s.db.Deliveries(r.Context(), a.Workspace.ID, sd.ID, f); err != nil {
		return err
	}
	p.Shown = f.Message
	if len(p.Deliveries) == f.Limit {
		next := url.Values{"after": {strconv.FormatInt(p.Deliveries[len(p.Deliveries)-1].InvitationID, 10)}}
		if f.Message != "" {
			next.Set("state", string(f.Message))
		}
		p.Next = "?" + next.Encode()
	}
	return s.render(w, http.StatusOK, "app/send", p)
}

func (s *Server) handleAppSendCancel(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	sd, err := s.appSendOf(r, a)
	if err != nil {
		return err
	}
	if _, err := s.db.CancelSend(r.Context(), a.Workspace.ID, sd.ID); err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/sends/"+strconv.FormatInt(sd.ID, 10), http.StatusSeeOther)
	return nil
}

// previewOutgoing is the message a preview or test send shows: the
// signed-in user as the contact, at an example account named in the
// user's language, with links that lead to no survey.
func previewOutgoing(a *appRequest, lang string, reminder bool) store.Outgoing {
	o := store.Outgoing{WorkspaceName: a.Workspace.Name, AccountName: a.M.T("app.send.example_account"),
		Invitation: nps.Invitation{Token: "preview"},
		Contact:    nps.Contact{Name: a.User.Name, Email: a.User.Email, Language: lang}}
	if reminder {
		o.Seq = 1
	}
	return o
}

// previewCSP lets the preview show the email as mail clients do: inline
// styles, no script, nothing from elsewhere.
const previewCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

func (s *Server) handleAppEmailPreview(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	_, sv, err := s.appWaveOf(r, a)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	m, err := send.Compose(s.emails, strings.TrimSuffix(s.absoluteURL(r, ""), "/"), previewOutgoing(a, q.Get("lang"), q.Get("reminder") == "1"), sv)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Security-Policy", previewCSP)
	if q.Get("format") == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, err = w.Write([]byte("Subject: " + m.Subject + "\n\n" + m.Text))
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = w.Write([]byte(m.HTML))
	return err
}

func (s *Server) handleAppEmailTest(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	wv, sv, err := s.appWaveOf(r, a)
	if err != nil {
		return err
	}
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	p, err := s.sendsPage(r, a, wv, sv)
	if err != nil {
		return err
	}
	to := nps.NormalizeEmail(r.PostForm.Get("to"))
	p.Form.Test = to
	if s.opts.Mail == nil {
		p.appFormErrors = appFormErrors{&nps.ValidationError{Field: "to", Message: a.M.T("app.sends.test_no_smtp")}}
		return s.render(w, http.StatusConflict, "app/sends", p)
	}
	o := previewOutgoing(a, r.PostForm.Get("lang"), r.PostForm.Get("reminder") == "1")
	o.Contact.Email = to
	m, err := send.Compose(s.emails, strings.TrimSuffix(s.absoluteURL(r, ""), "/"), o, sv)
	if err == nil {
		m.Subject = "[Test] " + m.Subject
		err = s.opts.Mail.Send(r.Context(), m)
	}
	var se *mail.SendError
	switch {
	case errors.As(err, &se):
		p.appFormErrors = appFormErrors{&nps.ValidationError{Field: "to", Message: a.M.T("app.sends.test_not_sent", "error", err.Error())}}
		return s.render(w, http.StatusUnprocessableEntity, "app/sends", p)
	case err != nil:
		return err
	}
	p.Notice = a.M.T("app.sends.test_sent", "email", to)
	return s.render(w, http.StatusOK, "app/sends", p)
}
