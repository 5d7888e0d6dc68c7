package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
)

// catalog holds the strings of the survey pages. The locale files are
// embedded, so a broken one fails every test at start-up, like a broken
// template.
var catalog = mustCatalog()

func mustCatalog() *i18n.Catalog {
	c, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return c
}

// respondent is what a survey link leads to: a survey and the wave it
// answers, and for a personal link the invitation and its contact.
type respondent struct {
	survey  nps.Survey
	wave    nps.Wave
	inv     nps.Invitation
	contact nps.Contact
	// base is the link's path: "/s/{token}" or "/p/{token}".
	base string
}

// pageLang is the language a respondent sees: Text is the language of the
// survey's texts (and of the answer), M the strings of the page, which
// fall back to English when the UI has no file for Text.
type pageLang struct {
	Text string
	M    i18n.Messages
	// choices are the languages the respondent may switch to: the survey's
	// that the UI has too.
	choices []string
}

// invitationTarget resolves a personal link without judging it.
func (s *Server) invitationTarget(r *http.Request) (respondent, pageLang, error) {
	ctx := r.Context()
	token := r.PathValue("token")
	inv, err := s.db.InvitationByToken(ctx, token)
	if err != nil {
		return respondent{}, pageLang{}, err
	}
	resp := respondent{inv: inv, base: "/s/" + token}
	if resp.wave, err = s.db.Wave(ctx, inv.WorkspaceID, inv.WaveID); err != nil {
		return resp, pageLang{}, err
	}
	if resp.survey, err = s.db.Survey(ctx, inv.WorkspaceID, resp.wave.SurveyID); err != nil {
		return resp, pageLang{}, err
	}
	if resp.contact, err = s.db.Contact(ctx, inv.WorkspaceID, inv.ContactID); err != nil {
		return resp, pageLang{}, err
	}
	return resp, respondentLanguage(r, resp.survey, resp.contact.Language), nil
}

// openInvitation resolves a personal link that may be answered now: the
// contact has not opted out, the wave is open, and an anonymous survey's
// invitation has not answered yet.
func (s *Server) openInvitation(r *http.Request) (respondent, pageLang, error) {
	resp, lang, err := s.invitationTarget(r)
	switch {
	case err != nil:
		return resp, lang, err
	case resp.contact.OptedOut():
		return resp, lang, &pageError{status: http.StatusGone, kind: "optedout", lang: lang.Text}
	case !resp.wave.OpenAt(s.db.Now()):
		return resp, lang, &pageError{status: http.StatusGone, kind: "closed", lang: lang.Text}
	case resp.survey.Anonymous && !resp.inv.RespondedAt.IsZero():
		status := http.StatusOK
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			status = http.StatusConflict
		}
		return resp, lang, &pageError{status: status, kind: "answered", lang: lang.Text}
	}
	return resp, lang, nil
}

// openPublic resolves a public link to its survey's currently open wave.
func (s *Server) openPublic(r *http.Request) (respondent, pageLang, error) {
	ctx := r.Context()
	token := r.PathValue("token")
	sv, err := s.db.SurveyByPublicToken(ctx, token)
	if err != nil {
		return respondent{}, pageLang{}, err
	}
	lang := respondentLanguage(r, sv, "")
	w, err := s.db.OpenWaveOf(ctx, sv.WorkspaceID, sv.ID, s.db.Now())
	if errors.Is(err, nps.ErrNotFound) {
		return respondent{}, lang, &pageError{status: http.StatusGone, kind: "closed", lang: lang.Text}
	}
	if err != nil {
		return respondent{}, lang, err
	}
	return respondent{survey: sv, wave: w, base: "/p/" + token}, lang, nil
}

// respondentLanguage chooses among the survey's languages that the UI has
// too: the one asked for on the page (?lang, or the form's lang), else the
// contact's, else the browser's (Accept-Language), else the survey's
// default. A survey in no UI language shows its default texts with English
// page strings.
func respondentLanguage(r *http.Request, sv nps.Survey, contactLang string) pageLang {
	var supported []string
	for _, l := range sv.Languages() {
		if catalog.Has(l) {
			supported = append(supported, l)
		}
	}
	if len(supported) == 0 {
		return pageLang{Text: sv.DefaultLanguage, M: catalog.Messages(sv.DefaultLanguage)}
	}
	lang, ok := i18n.Choose(supported, []string{requestedLang(r)}, []string{contactLang},
		i18n.AcceptLanguage(r.Header.Get("Accept-Language")), []string{sv.DefaultLanguage})
	if !ok {
		lang = supported[0]
	}
	return pageLang{Text: lang, M: catalog.Messages(lang), choices: supported}
}

// requestedLang is the language the respondent chose on the page: the
// form's lang field once the body is parsed, else the query's. It never
// reads a body itself.
func requestedLang(r *http.Request) string {
	if l := r.PostForm.Get("lang"); l != "" {
		return l
	}
	return r.URL.Query().Get("lang")
}

// surveyChrome is what every survey page shows around its content.
type surveyChrome struct {
	// Lang is the lang attribute of the page.
	Lang  string
	M     i18n.Messages
	Title string
	// Languages is the language switch; empty when there is no choice.
	Languages []langLink
}

// langLink is one entry of the language switch.
type langLink struct {
	Code, Name, URL string
	Current         bool
}

// chrome returns the frame of a page in lang; switchTo is the query to
// which the switch adds lang, nil for a page without a switch.
func (s *Server) chrome(lang pageLang, title string, switchTo url.Values) surveyChrome {
	c := surveyChrome{Lang: lang.Text, M: lang.M, Title: title}
	if switchTo == nil || len(lang.choices) < 2 {
		return c
	}
	for _, code := range lang.choices {
		q := url.Values{}
		for k, v := range switchTo {
			q[k] = v
		}
		q.Set("lang", code)
		c.Languages = append(c.Languages, langLink{
			Code: code, Name: catalog.Messages(code).T("language.name"), URL: "?" + q.Encode(), Current: code == lang.Text,
		})
	}
	return c
}

// thanksPage is the data of survey/thanks.
type thanksPage struct {
	surveyChrome
	Anonymous bool
	// ChangeURL leads back to the form while the answer may change.
	ChangeURL string
}

// errorPage is the data of survey/error.
type errorPage struct {
	surveyChrome
	Heading, Body string
}

// pageError is a friendly page of the survey area instead of the page
// asked for: kind names its strings ("{kind}.title", "{kind}.body").
type pageError struct {
	status int
	kind   string
	// lang is the respondent's language when it is known; else the page
	// is in the browser's.
	lang  string
	cause error
}

func (e *pageError) Error() string {
	if e.cause == nil {
		return e.kind
	}
	return e.kind + ": " + e.cause.Error()
}

func (e *pageError) Unwrap() error { return e.cause }

// withLang makes a domain error a friendly page in lang.
func withLang(err error, lang string) error {
	pe := asPageError(err)
	pe.lang = lang
	return pe
}

// asPageError maps an error to its friendly page. Nothing of the cause is
// shown: an unknown token and a database failure say only what the
// respondent can act on.
func asPageError(err error) *pageError {
	var pe *pageError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, nps.ErrNotFound):
		return &pageError{status: http.StatusNotFound, kind: "notfound", cause: err}
	case errors.Is(err, nps.ErrWaveClosed):
		return &pageError{status: http.StatusGone, kind: "closed", cause: err}
	case errors.Is(err, nps.ErrOptedOut):
		return &pageError{status: http.StatusGone, kind: "optedout", cause: err}
	}
	return &pageError{status: http.StatusInternalServerError, kind: "server", cause: err}
}

// surveyHandler adapts a survey page handler: the one place where its
// errors become friendly pages and log lines. A log line names the route
// pattern, never the path (which holds the token) nor the address.
func (s *Server) surveyHandler(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Pages may show a respondent's answer: no cache keeps them.
		w.Header().Set("Cache-Control", "no-store")
		if err := h(w, r); err != nil {
			s.surveyError(w, r, err)
		}
	})
}

// surveyError answers err with its friendly page and logs it.
func (s *Server) surveyError(w http.ResponseWriter, r *http.Request, err error) {
	pe := asPageError(err)
	level := slog.LevelDebug
	if pe.status >= 500 {
		level = slog.LevelError
	}
	route, method := routeOf(r)
	s.log.Log(r.Context(), level, "request failed", "method", method, "route", route, "status", pe.status, "err", err)
	lang := pe.lang
	if lang == "" {
		lang, _ = i18n.Choose(catalog.Languages(), []string{requestedLang(r)}, i18n.AcceptLanguage(r.Header.Get("Accept-Language")))
	}
	m := catalog.Messages(lang)
	if lang == "" {
		lang = m.Lang
	}
	p := errorPage{
		surveyChrome: surveyChrome{Lang: lang, M: m, Title: m.T(pe.kind + ".title")},
		Heading:      m.T(pe.kind + ".title"),
		Body:         m.T(pe.kind + ".body"),
	}
	if err := s.render(w, pe.status, "survey/error", p); err != nil {
		s.log.ErrorContext(r.Context(), "survey error page failed", "route", route, "err", err)
		http.Error(w, http.StatusText(pe.status), pe.status)
	}
}

// renderForm shows the survey form with f filled in.
func (s *Server) renderForm(w http.ResponseWriter, status int, resp respondent, lang pageLang, f answerForm, notice string, problems []string) error {
	if err := s.render(w, status, "survey/form", s.formPage(resp, lang, f, notice, problems)); err != nil {
		return fmt.Errorf("survey form: %w", err)
	}
	return nil
}
