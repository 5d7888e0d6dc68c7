// Package metrics holds Promotor's Prometheus metrics: one Metrics value,
// made in main and passed to the web server, the job queue, the sender and
// the loop, which count what they do through its methods. Its registry is
// its own, not the client library's global one, so that tests each get a
// fresh set.
//
// Every method is safe on a nil *Metrics and then does nothing, so that
// code run without metrics (tests, the CLI's one-off commands) needs no
// stand-in. Labels hold route patterns, task and channel names and
// outcomes only: never a workspace, an email, a token or a raw path.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The channels an answer is stored through, the values of the channel
// label of promotor_answers_stored_total.
const (
	ChannelSurveyPage = "survey_page" // the form of a personal link
	ChannelOneClick   = "one_click"   // the score clicked in an invitation
	ChannelPublic     = "public"      // the survey's public link
	ChannelAPI        = "api"         // POST /api/v1/responses
	ChannelImport     = "import"      // an import of historical responses
)

// The outcomes of jobs, messages and webhook deliveries.
const (
	OutcomeOK        = "ok"
	OutcomeFailed    = "failed"
	OutcomeSkipped   = "skipped" // a periodic task still running from its last turn
	OutcomeSent      = "sent"
	OutcomeRetry     = "retry"
	OutcomeDelivered = "delivered"
)

// Metrics are the collectors of one serve process.
type Metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.HistogramVec
	answers       *prometheus.CounterVec
	jobs          *prometheus.HistogramVec
	messages      *prometheus.CounterVec
	webhooks      *prometheus.CounterVec
	loginFailures prometheus.Counter
	rateLimited   *prometheus.CounterVec
}

// New returns metrics registered on a registry of their own, with the Go
// runtime's and the process's collectors.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "promotor_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern, method and status class; its _count is the number of requests.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "status"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "promotor_answers_stored_total",
			Help: "Answers stored and acknowledged, by the channel they came through.",
		}, []string{"channel"}),
		jobs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "promotor_job_duration_seconds",
			Help:    "Time a background job ran, by task or job kind and outcome; its _count is the number of runs.",
			Buckets: []float64{.001, .01, .1, .5, 1, 5, 15, 60, 300},
		}, []string{"task", "outcome"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "promotor_messages_total",
			Help: "Invitation and reminder emails handed to the SMTP server, by outcome: sent, retry (a temporary failure, tried again) or failed.",
		}, []string{"outcome"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "promotor_webhook_deliveries_total",
			Help: "Webhook delivery attempts, by outcome: delivered, retry or failed (for good).",
		}, []string{"outcome"}),
		loginFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "promotor_login_failures_total",
			Help: "Sign-ins refused for a wrong email or password.",
		}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "promotor_rate_limited_total",
			Help: "Requests refused by a rate limit, by the limit's name.",
		}, []string{"limit"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.answers, m.jobs, m.messages, m.webhooks, m.loginFailures, m.rateLimited,
	)
	return m
}

// Handler serves the metrics in the Prometheus exposition format; without
// metrics there is nothing to serve and it answers 404.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// WatchPool exports the statistics of a database connection pool as the
// go_sql_* metrics with db_name=name.
func (m *Metrics) WatchPool(name string, pool *sql.DB) error {
	if m == nil {
		return nil
	}
	return m.registry.Register(collectors.NewDBStatsCollector(pool, name))
}

// WatchOutbox exports promotor_outbox_queued, the number of emails
// waiting in the outbox, which count returns when the metrics are read.
func (m *Metrics) WatchOutbox(count func(ctx context.Context) (int64, error)) error {
	if m == nil {
		return nil
	}
	return m.registry.Register(&outbox{count: count, desc: prometheus.NewDesc("promotor_outbox_queued",
		"Invitation and reminder emails queued in the outbox and not yet sent, at the time of the scrape.", nil, nil)})
}

// ObserveRequest counts an HTTP request and its duration. route is the
// pattern that matched (without its method), never the path, which may
// hold a survey's token.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, statusClass(status)).Observe(d.Seconds())
}

// AnswersStored counts n answers stored through channel.
func (m *Metrics) AnswersStored(channel string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.answers.WithLabelValues(channel).Add(float64(n))
}

// ObserveJob counts a run of a periodic task or a job of a kind.
func (m *Metrics) ObserveJob(task, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.jobs.WithLabelValues(task, outcome).Observe(d.Seconds())
}

// Messages counts n outbox emails with an outcome: OutcomeSent,
// OutcomeRetry or OutcomeFailed.
func (m *Metrics) Messages(outcome string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.messages.WithLabelValues(outcome).Add(float64(n))
}

// WebhookDelivery counts a webhook delivery attempt with an outcome:
// OutcomeDelivered, OutcomeRetry or OutcomeFailed.
func (m *Metrics) WebhookDelivery(outcome string) {
	if m == nil {
		return
	}
	m.webhooks.WithLabelValues(outcome).Inc()
}

// LoginFailed counts a sign-in refused for a wrong email or password.
func (m *Metrics) LoginFailed() {
	if m == nil {
		return
	}
	m.loginFailures.Inc()
}

// RateLimited counts a request that the rate limit named limit refused
// ("login", say); the names are few and fixed by the code.
func (m *Metrics) RateLimited(limit string) {
	if m == nil {
		return
	}
	m.rateLimited.WithLabelValues(limit).Inc()
}

// statusClass is "2xx" for 200 to 299, and so on.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// outbox is the collector of promotor_outbox_queued: a count read from the
// database at each scrape, within a bound.
type outbox struct {
	count func(ctx context.Context) (int64, error)
	desc  *prometheus.Desc
}

func (o *outbox) Describe(ch chan<- *prometheus.Desc) { ch <- o.desc }

func (o *outbox) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := o.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(o.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(o.desc, prometheus.GaugeValue, float64(n))
}
