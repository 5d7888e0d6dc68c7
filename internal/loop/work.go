package loop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/webhook"
)

// HookBackoff is the wait after the n-th failed attempt of a webhook
// delivery (n from 1): from ten seconds, growing to four hours, twelve
// attempts in all over about eight hours.
var HookBackoff = []time.Duration{
	10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	20 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour,
}

// HookAttempts is how often a delivery is tried: once, then after each
// wait of HookBackoff.
var HookAttempts = len(HookBackoff) + 1

// HookRetryAfter is the wait after the n-th failed attempt of a delivery.
func HookRetryAfter(n int) time.Duration {
	return HookBackoff[min(max(n, 1), len(HookBackoff))-1]
}

// hooks posts the deliveries; its zero value is the default client.
var hooks webhook.Client

// errRetry asks the job queue to try again later.
var errRetry = errors.New("will be tried again")

// pendingBatch bounds the rows the queue's sweep takes at a time.
const pendingBatch = 500

// PendingDeliveries lists the deliveries that wait for an attempt.
func (l *Loop) PendingDeliveries(ctx context.Context) ([]int64, error) {
	return l.DB.PendingDeliveries(ctx, pendingBatch)
}

// PendingEmails lists the loop emails that wait to be sent.
func (l *Loop) PendingEmails(ctx context.Context) ([]int64, error) {
	return l.DB.PendingNotifications(ctx, pendingBatch)
}

// Deliver makes one attempt of a webhook delivery and records it. An
// error asks for another attempt; last says none follows, so that a
// failure is final.
func (l *Loop) Deliver(ctx context.Context, id int64, last bool) error {
	d, e, err := l.DB.DeliveryToSend(ctx, id)
	if err != nil {
		return err
	}
	if d.State != nps.DeliveryPending {
		return nil
	}
	var ev webhook.Event
	if err := json.Unmarshal([]byte(d.Payload), &ev); err != nil {
		return l.DB.RecordDeliveryAttempt(ctx, id, nps.WebhookAttempt{Error: "stored event unreadable: " + err.Error()}, nps.DeliveryFailed)
	}
	if !e.Active {
		return l.DB.RecordDeliveryAttempt(ctx, id, nps.WebhookAttempt{Error: "the endpoint is switched off"}, nps.DeliveryFailed)
	}
	res := hooks.Deliver(ctx, e.URL, e.Secret, webhook.Format(e.Format), ev, l.DB.Now())
	a := nps.WebhookAttempt{Status: res.Status, Response: res.Body, Duration: res.Duration}
	if res.Err != nil {
		a.Error = res.Err.Error()
	} else if !res.OK() {
		a.Error = "HTTP " + strconv.Itoa(res.Status)
	}
	state := nps.DeliveryPending
	switch {
	case res.OK():
		state = nps.DeliveryDelivered
	case last || !res.Retry():
		state = nps.DeliveryFailed
	}
	if err := l.DB.RecordDeliveryAttempt(ctx, id, a, state); err != nil {
		return err
	}
	l.Metrics.WebhookDelivery(deliveryOutcome[state])
	if state == nps.DeliveryPending {
		return fmt.Errorf("delivery %d: %s: %w", id, a.Error, errRetry)
	}
	return nil
}

// deliveryOutcome is the metrics' outcome of an attempt that left a
// delivery in a state.
var deliveryOutcome = map[nps.DeliveryState]string{
	nps.DeliveryDelivered: metrics.OutcomeDelivered,
	nps.DeliveryPending:   metrics.OutcomeRetry,
	nps.DeliveryFailed:    metrics.OutcomeFailed,
}

// SendEmail sends one loop email, with its inline images and unsubscribe
// link when it has them, and records the outcome. A temporary failure
// asks for another attempt, unless last.
func (l *Loop) SendEmail(ctx context.Context, id int64, last bool) error {
	n, err := l.DB.NotificationToSend(ctx, id)
	if err != nil {
		return err
	}
	if n.State != nps.NotificationQueued {
		return nil
	}
	host := "localhost"
	if u, err := url.Parse(l.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	m := &mail.Message{To: mail.Address{Name: n.ToName, Email: n.ToEmail}, Subject: n.Subject, Text: n.Text, HTML: n.HTML,
		MessageID:   mail.NewMessageID(string(n.Kind)+"-"+strconv.FormatInt(n.ID, 10), host),
		Unsubscribe: mail.Unsubscribe{URL: n.UnsubscribeURL}}
	for _, img := range n.Inline {
		m.Inline = append(m.Inline, mail.Inline{CID: img.CID, ContentType: img.ContentType, Data: img.Data})
	}
	sendErr := l.Mail.Send(ctx, m)
	final := last || mail.IsPermanent(sendErr)
	if err := l.DB.RecordNotification(ctx, id, m.MessageID, sendErr, final); err != nil {
		return err
	}
	if sendErr != nil && !final {
		// The job queue logs and keeps this error: without the
		// recipient's address, which the notification keeps.
		return fmt.Errorf("email %d: %s: %w", id, mail.Redact(sendErr), errRetry)
	}
	return nil
}
