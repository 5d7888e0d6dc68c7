package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/webhook"
)

// webhookFormats are the payload formats the form offers.
var webhookFormats = []webhook.Format{webhook.FormatPromotor, webhook.FormatSlack, webhook.FormatTeams}

// webhookForm is the endpoint form's input as typed.
type webhookForm struct {
	URL, Format, Description string
	Events                   []nps.EventKind
	Active                   bool
}

func readWebhookForm(r *http.Request) webhookForm {
	f := webhookForm{URL: r.PostForm.Get("url"), Format: r.PostForm.Get("format"), Description: r.PostForm.Get("description"),
		Active: r.PostForm.Get("active") != ""}
	for _, e := range r.PostForm["events"] {
		f.Events = append(f.Events, nps.EventKind(e))
	}
	return f
}

func (f webhookForm) endpoint() nps.WebhookEndpoint {
	return nps.WebhookEndpoint{URL: f.URL, Format: f.Format, Description: f.Description, Events: f.Events, Active: f.Active}
}

func webhookFormOf(e nps.WebhookEndpoint) webhookForm {
	return webhookForm{URL: e.URL, Format: e.Format, Description: e.Description, Events: e.Events, Active: e.Active}
}

// Has reports whether the form subscribes to events of kind k.
func (f webhookForm) Has(k nps.EventKind) bool {
	return nps.WebhookEndpoint{Events: f.Events}.Subscribes(k)
}

// webhookView holds what the webhook pages show beside the layout.
type webhookView struct{}

// EventKinds are the kinds of event an endpoint may receive.
func (webhookView) EventKinds() []nps.EventKind { return nps.EventKinds }

// Formats are the payload formats an endpoint may take.
func (webhookView) Formats() []webhook.Format { return webhookFormats }

// MaskSecret shows a secret's prefix and last four characters only.
func (webhookView) MaskSecret(secret string) string {
	if len(secret) <= 10 {
		return "••••"
	}
	prefix, _, _ := strings.Cut(secret, "_")
	return prefix + "_••••" + secret[len(secret)-4:]
}

// webhooksPage lists the endpoints and the form to add one; Secret is
// the secret of the endpoint just created, shown this once.
type webhooksPage struct {
	appLayout
	appFormErrors
	webhookView
	Endpoints []nps.WebhookEndpoint
	Form      webhookForm
	Created   nps.WebhookEndpoint
	Secret    string
	Notice    string
}

// webhookPage is one endpoint: its form, its secret (in full once, after
// a rotation) and its delivery log.
type webhookPage struct {
	appLayout
	appFormErrors
	webhookView
	Endpoint   nps.WebhookEndpoint
	Form       webhookForm
	Secret     string
	Deliveries []nps.WebhookDelivery
	Next       string
}

// webhookDeliveryPage is one delivery with its attempts.
type webhookDeliveryPage struct {
	appLayout
	Endpoint nps.WebhookEndpoint
	Delivery nps.WebhookDelivery
	Attempts []nps.WebhookAttempt
	Replayed bool
}

// webhookLogSize is how many deliveries a page of the log shows.
const webhookLogSize = 50

func (s *Server) handleWebhooks(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	p := webhooksPage{Form: webhookForm{Active: true, Events: []nps.EventKind{nps.EventAlertCreated, nps.EventFollowUpOverdue}}}
	switch r.URL.Query().Get("done") {
	case "deleted":
		p.Notice = a.M.T("webhook.deleted")
	case "deactivated":
		p.Notice = a.M.T("webhook.deactivated")
	}
	return s.renderWebhooks(w, r, a, http.StatusOK, p)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, a *appRequest, status int, p webhooksPage) error {
	list, err := s.db.WebhookEndpoints(r.Context(), a.Workspace.ID)
	if err != nil {
		return err
	}
	p.appLayout, p.Endpoints = a.layout(a.M.T("webhook.title")), list
	return s.render(w, status, "app/webhooks", p)
}

// handleWebhookCreate makes an endpoint and shows its secret in the
// answer to the POST itself, as a new API token is (app_token.go).
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f := readWebhookForm(r)
	e, err := s.db.CreateWebhookEndpoint(r.Context(), a.Workspace.ID, f.endpoint())
	if ve := asValidation(localValidation(a.M, "webhook", err)); ve != nil {
		return s.renderWebhooks(w, r, a, http.StatusUnprocessableEntity, webhooksPage{appFormErrors: appFormErrors{ve}, Form: f})
	} else if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderWebhooks(w, r, a, http.StatusOK, webhooksPage{Created: e, Secret: e.Secret,
		Form: webhookForm{Active: true, Events: []nps.EventKind{nps.EventAlertCreated, nps.EventFollowUpOverdue}}})
}

// endpointOf returns the endpoint of the URL.
func (s *Server) endpointOf(r *http.Request, a *appRequest) (nps.WebhookEndpoint, error) {
	id, err := appPathID(r, "endpoint")
	if err != nil {
		return nps.WebhookEndpoint{}, err
	}
	return s.db.WebhookEndpoint(r.Context(), a.Workspace.ID, id)
}

func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	e, err := s.endpointOf(r, a)
	if err != nil {
		return err
	}
	var before int64
	if v := r.URL.Query().Get("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before <= 0 {
			return badRequest("webhook.bad_page")
		}
	}
	return s.renderWebhook(w, r, a, http.StatusOK, webhookPage{Endpoint: e, Form: webhookFormOf(e)}, before)
}

func (s *Server) renderWebhook(w http.ResponseWriter, r *http.Request, a *appRequest, status int, p webhookPage, before int64) error {
	list, err := s.db.WebhookDeliveries(r.Context(), a.Workspace.ID, p.Endpoint.ID, webhookLogSize+1, before)
	if err != nil {
		return err
	}
	p.appLayout = a.layout(a.M.T("webhook.endpoint.title", "url", p.Endpoint.URL))
	if len(list) > webhookLogSize {
		list = list[:webhookLogSize]
		p.Next = p.Base() + "/webhooks/" + strconv.FormatInt(p.Endpoint.ID, 10) + "?" +
			url.Values{"before": {strconv.FormatInt(list[len(list)-1].ID, 10)}}.Encode()
	}
	p.Deliveries = list
	return s.render(w, status, "app/webhook", p)
}

func (s *Server) handleWebhookUpdate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	e, err := s.endpointOf(r, a)
	if err != nil {
		return err
	}
	f := readWebhookForm(r)
	_, err = s.db.UpdateWebhookEndpoint(r.Context(), a.Workspace.ID, e.ID, f.endpoint())
	if ve := asValidation(localValidation(a.M, "webhook", err)); ve != nil {
		return s.renderWebhook(w, r, a, http.StatusUnprocessableEntity, webhookPage{appFormErrors: appFormErrors{ve}, Endpoint: e, Form: f}, 0)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/webhooks/"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
	return nil
}

// handleWebhookRotate gives the endpoint a new secret and shows it once,
// in the answer to the POST.
func (s *Server) handleWebhookRotate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	e, err := s.endpointOf(r, a)
	if err != nil {
		return err
	}
	if e, err = s.db.RotateWebhookSecret(r.Context(), a.Workspace.ID, e.ID); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderWebhook(w, r, a, http.StatusOK, webhookPage{Endpoint: e, Form: webhookFormOf(e), Secret: e.Secret}, 0)
}

func (s *Server) handleWebhookDelete(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	e, err := s.endpointOf(r, a)
	if err != nil {
		return err
	}
	deleted, err := s.db.DeleteWebhookEndpoint(r.Context(), a.Workspace.ID, e.ID)
	if err != nil {
		return err
	}
	done := "deactivated"
	if deleted {
		done = "deleted"
	}
	http.Redirect(w, r, a.layout("").Base()+"/webhooks?"+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
	return nil
}

// deliveryOf returns the endpoint and the delivery of the URL; a
// delivery of another endpoint is not found.
func (s *Server) deliveryOf(r *http.Request, a *appRequest) (nps.WebhookEndpoint, nps.WebhookDelivery, error) {
	e, err := s.endpointOf(r, a)
	if err != nil {
		return e, nps.WebhookDelivery{}, err
	}
	id, err := appPathID(r, "delivery")
	if err != nil {
		return e, nps.WebhookDelivery{}, err
	}
	d, err := s.db.WebhookDelivery(r.Context(), a.Workspace.ID, id)
	if err == nil && d.EndpointID != e.ID {
		err = nps.ErrNotFound
	}
	return e, d, err
}

func (s *Server) handleWebhookDelivery(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	e, d, err := s.deliveryOf(r, a)
	if err != nil {
		return err
	}
	attempts, err := s.db.WebhookAttempts(r.Context(), a.Workspace.ID, d.ID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "app/webhook_delivery", webhookDeliveryPage{
		appLayout: a.layout(a.M.T("webhook.delivery.title", "id", d.ID)), Endpoint: e, Delivery: d, Attempts: attempts,
		Replayed: r.URL.Query().Get("done") == "replayed"})
}

func (s *Server) handleWebhookReplay(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	e, d, err := s.deliveryOf(r, a)
	if err != nil {
		return err
	}
	if _, err := s.db.ReplayWebhookDelivery(r.Context(), a.Workspace.ID, d.ID); err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/webhooks/"+strconv.FormatInt(e.ID, 10)+"/deliveries/"+
		strconv.FormatInt(d.ID, 10)+"?done=replayed", http.StatusSeeOther)
	return nil
}
