// Package loop is the engine of the closed loop: it works the events of
// every workspace (answers created or changed, alerts, plans changed,
// follow-ups overdue), judges answers against the alert rules, raises
// alerts with their follow-up deadlines and the owner's email, and turns
// every event into signed webhook deliveries; and it makes the attempts
// of those deliveries and sends the loop's emails, as jobs of the queue
// (internal/jobs), which retries them with growing back-off.
//
// It holds no SQL (internal/store does) and no HTTP routes.
package loop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// Loop works events and sends what they call for. Its fields are set
// before use.
type Loop struct {
	DB      *store.DB
	Catalog *i18n.Catalog
	Render  *mail.Renderer
	// Mail sends the loop's emails; nil leaves them queued.
	Mail mail.Sender
	// BaseURL is the public address of the server, without a trailing
	// slash: links in emails and webhooks start with it.
	BaseURL string
	Log     *slog.Logger
	// Metrics counts webhook deliveries; nil counts nothing.
	Metrics *metrics.Metrics

	// pruned is when processed events were last pruned; ProcessEvents
	// runs one at a time.
	pruned time.Time
}

// batch is how many events one round reads.
const batch = 100

// keepEvents is how long processed events are kept.
const keepEvents = 7 * 24 * time.Hour

// ProcessEvents works the pending events until none is left or ctx
// ends. An event whose subject is gone is done with nothing to tell; an
// event that fails is logged and tried again in the next run, after the
// others.
func (l *Loop) ProcessEvents(ctx context.Context) error {
	failed := map[int64]bool{}
	for ctx.Err() == nil {
		evs, err := l.DB.PendingEvents(ctx, batch+len(failed))
		if err != nil {
			return err
		}
		evs = slices.DeleteFunc(evs, func(ev nps.Event) bool { return failed[ev.ID] })
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			if err := l.process(ctx, ev); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				l.Log.Error("event not processed", "event_id", ev.ID, "kind", ev.Kind, "err", err)
				failed[ev.ID] = true
			}
		}
	}
	// Pruning is a write of its own: once an hour is enough.
	if now := l.DB.Now(); now.Sub(l.pruned) >= time.Hour {
		if _, err := l.DB.PruneEvents(ctx, now.Add(-keepEvents)); err != nil {
			return err
		}
		l.pruned = now
	}
	return nil
}

// process decides and records the outcome of one event.
func (l *Loop) process(ctx context.Context, ev nps.Event) error {
	f, err := l.DB.EventFacts(ctx, ev)
	if errors.Is(err, nps.ErrNotFound) {
		return l.DB.CompleteEvent(ctx, ev, store.EventOutcome{})
	}
	if err != nil {
		return err
	}
	var out store.EventOutcome
	if ev.Kind == nps.EventResponseCreated || ev.Kind == nps.EventResponseUpdated {
		if out.Alert, out.Emails, err = l.judge(f); err != nil {
			return err
		}
	}
	for _, e := range f.Endpoints {
		p, err := json.Marshal(l.hookEvent(ev, f, e.ID))
		if err != nil {
			return err
		}
		out.Deliveries = append(out.Deliveries, nps.WebhookDelivery{EndpointID: e.ID, Kind: ev.Kind,
			IdempotencyKey: store.DeliveryKey(ev, e.ID), Payload: string(p)})
	}
	return l.DB.CompleteEvent(ctx, ev, out)
}

// judge holds an answer against the workspace's active rules. Every rule
// it meets is a reason of one alert, whose follow-up is due at the
// shortest deadline among them; the alert goes to the account's owner,
// or, when nobody owns the account, to the workspace's owners.
func (l *Loop) judge(f store.EventFacts) (*nps.Alert, func(int64) ([]nps.Notification, error), error) {
	var reasons []nps.Reason
	var rule nps.AlertRule
	days := -1
	for _, r := range f.Rules {
		why, ok := r.Match(f.Response, f.Previous)
		if !ok {
			continue
		}
		if len(reasons) == 0 {
			rule = r
		}
		reasons = append(reasons, why)
		if r.FollowUpDays > 0 && (days < 0 || r.FollowUpDays < days) {
			days = r.FollowUpDays
		}
	}
	if len(reasons) == 0 {
		return nil, nil, nil
	}
	now := l.DB.Now()
	texts := make([]string, len(reasons))
	for i, r := range reasons {
		texts[i] = r.String()
	}
	a := &nps.Alert{WorkspaceID: f.Workspace.ID, RuleID: rule.ID, Kind: rule.Kind, Reason: strings.Join(texts, "; "),
		ResponseID: f.Response.ID, AccountID: f.Account.ID, ContactID: f.Contact.ID, OwnerID: f.Account.OwnerID, State: nps.AlertOpen, CreatedAt: now}
	if days > 0 {
		a.DueAt = nps.AddWorkingDays(now, days)
	}
	recipients := f.Managers
	if f.Owner.ID != 0 {
		recipients = []nps.User{f.Owner}
	}
	emails := func(alertID int64) ([]nps.Notification, error) {
		var ns []nps.Notification
		for _, u := range recipients {
			n, err := l.alertEmail(f, *a, alertID, reasons, u)
			if err != nil {
				return nil, err
			}
			ns = append(ns, n)
		}
		return ns, nil
	}
	return a, emails, nil
}

// link returns the absolute address of a page of the workspace.
func (l *Loop) link(f store.EventFacts, path string) string {
	return l.BaseURL + "/w/" + url.PathEscape(f.Workspace.Slug) + path
}

// who names the respondent: the contact and account, as far as known.
func who(f store.EventFacts, t func(string, ...any) string) string {
	switch {
	case f.Contact.Name != "" && f.Account.Name != "":
		return t("loop.who.contact_account", "contact", f.Contact.Name, "account", f.Account.Name)
	case f.Account.Name != "":
		return f.Account.Name
	case f.Contact.Name != "":
		return f.Contact.Name
	case f.Contact.Email != "":
		return f.Contact.Email
	}
	return t("loop.who.anonymous")
}

// alertEmail writes the alert's email to u in u's language, with a
// button to its follow-up.
func (l *Loop) alertEmail(f store.EventFacts, a nps.Alert, alertID int64, reasons []nps.Reason, u nps.User) (nps.Notification, error) {
	lang, ok := i18n.Choose(l.Catalog.Languages(), []string{u.Language})
	if !ok {
		lang = i18n.Fallback
	}
	t := l.Catalog.Messages(lang).T
	items := make([]string, 0, len(reasons)+1)
	for _, r := range reasons {
		items = append(items, reasonText(r, t))
	}
	paras := []string{t("loop.alert.intro", "who", who(f, t), "score", f.Response.Score, "survey", f.SurveyName, "wave", f.WaveName)}
	if !a.DueAt.IsZero() {
		paras = append(paras, t("loop.alert.deadline", "due", nps.FormatTime(a.DueAt)))
	}
	if f.Response.Comment == "" {
		paras = append(paras, t("loop.alert.no_comment"))
	}
	name := f.Account.Name
	if name == "" {
		name = who(f, t)
	}
	m, err := l.Render.Notice(mail.Notice{
		Language:    lang,
		Subject:     t("loop.alert.subject", "account", name, "score", f.Response.Score),
		Greeting:    greeting(u, t),
		Paragraphs:  paras,
		Quote:       f.Response.Comment,
		Items:       items,
		ButtonURL:   l.link(f, fmt.Sprintf("/followups/%d", alertID)),
		ButtonLabel: t("loop.alert.button"),
		Footer:      t("loop.footer", "workspace", f.Workspace.Name),
	})
	if err != nil {
		return nps.Notification{}, fmt.Errorf("loop: alert email: %w", err)
	}
	return nps.Notification{WorkspaceID: f.Workspace.ID, Kind: nps.NotifyAlert, AccountID: f.Account.ID,
		ToEmail: u.Email, ToName: u.Name, Subject: m.Subject, Text: m.Text, HTML: m.HTML}, nil
}

// greeting greets u by name, or without one.
func greeting(u nps.User, t func(string, ...any) string) string {
	if u.Name == "" {
		return t("loop.greeting_anonymous")
	}
	return t("loop.greeting", "name", u.Name)
}

// reasonText says r in the reader's language.
func reasonText(r nps.Reason, t func(string, ...any) string) string {
	switch r.Kind {
	case nps.RuleScore:
		return t("loop.reason.score", "score", r.Score, "limit", r.Limit)
	case nps.RuleDrop:
		return t("loop.reason.drop", "points", r.Previous-r.Score, "previous", r.Previous, "score", r.Score)
	case nps.RuleKeyword:
		return t("loop.reason.keyword", "keyword", r.Keyword)
	}
	return r.String()
}
