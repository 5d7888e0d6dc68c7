package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/promotor/promotor/internal/metrics"
	"github.com/promotor/promotor/internal/nps"
)

// The survey pages: what respondents see, without signing in.
//
//	/s/{token}          personal link of an invitation (form, submission)
//	/s/{token}/{score}  one-click link of an invitation email
//	/s/{token}/thanks   after a submission: thanks, and "change my answer"
//	/p/{token}          anonymous public link of a survey, and its QR codes
//
// # Link scanners and the one-click human
//
// Email security scanners fetch every link of a message, so all eleven
// score links of an invitation, mostly with plain GET or HEAD and
// sometimes in a sandbox that runs JavaScript. They must not create or
// change answers; yet a person who clicks "8" in the email and closes the
// tab at once must still have the 8 recorded. So:
//
//   - GET and HEAD never write. GET /s/{token}/{score} shows the survey
//     form with that score chosen and a Save button, and loads
//     static/survey.js (an external script: the CSP forbids inline ones),
//     which at once sends POST /s/{token}/{score} with fetch and
//     keepalive. A person with JavaScript who closes the tab is recorded;
//     a scanner that only fetches HTML records nothing.
//   - That automatic POST is weaker than pressing Save (store.RecordOneClick):
//     it creates the answer, or changes the score of an answer that has
//     only a score and was itself made by a one-click POST; it never
//     overwrites an answer with a comment or other answers, and changes
//     nothing when the same score is stored. A scanner that runs
//     JavaScript and opens all eleven links therefore cannot overwrite a
//     person's full answer, and since it comes at delivery time, the
//     person's own later click wins over it.
//   - The limit, plainly: a scanner that runs JavaScript and opens the
//     links after the person's click but before the person adds a comment
//     or presses Save does change that score-only answer to whichever
//     link it opened last; and a score-only answer that a Save repeated
//     unchanged still counts as a one-click answer. The person's next Save
//     corrects it while the wave is open.
//   - Without JavaScript, the person who clicked a number sees it chosen
//     and presses Save. A submitted form (with or without comment) always
//     records, and may change everything while the wave is open.
//
// Anonymous surveys keep no link from an invitation to its answer, so an
// answer there cannot be completed or changed later: their pages send no
// automatic POST, and the invitation answers once, by Save.
//
// No respondent page sets a cookie, loads anything from elsewhere or logs
// an IP address or a token.

// maxFormBytes bounds a survey form submission: a comment of the longest
// allowed length in 4-byte characters, percent-encoded, and the other
// answers fit; a larger body is refused before it is read.
const maxFormBytes = 256 << 10

// maxOneClickBytes bounds the body of the automatic one-click POST, which
// carries only the language.
const maxOneClickBytes = 1 << 10

// handleSurveyForm shows the survey of a personal link, with the current
// answer filled in when there is one.
func (s *Server) handleSurveyForm(w http.ResponseWriter, r *http.Request) error {
	resp, lang, err := s.openInvitation(r)
	if err != nil {
		return err
	}
	f := answerForm{Score: -1}
	notice := ""
	if !resp.survey.Anonymous {
		prev, err := s.db.ResponseOfInvitation(r.Context(), resp.inv.WorkspaceID, resp.inv.ID)
		switch {
		case err == nil:
			f = formOf(prev)
			notice = lang.M.T("answer.current")
		case !errors.Is(err, nps.ErrNotFound):
			return err
		}
	}
	return s.renderForm(w, http.StatusOK, resp, lang, f, notice, nil)
}

// handleSurveyOneClick shows the survey of a one-click link with its score
// chosen, and has the script record it; see the comment at the top.
func (s *Server) handleSurveyOneClick(w http.ResponseWriter, r *http.Request) error {
	score, ok := parseScore(r.PathValue("score"))
	if !ok {
		return &pageError{status: http.StatusNotFound, kind: "notfound"}
	}
	resp, lang, err := s.openInvitation(r)
	if err != nil {
		return err
	}
	f := answerForm{Score: -1}
	if !resp.survey.Anonymous {
		prev, err := s.db.ResponseOfInvitation(r.Context(), resp.inv.WorkspaceID, resp.inv.ID)
		switch {
		case err == nil:
			f = formOf(prev)
		case !errors.Is(err, nps.ErrNotFound):
			return err
		}
	}
	f.Score = score
	p := s.formPage(resp, lang, f, lang.M.T("oneclick.chosen", "score", score), nil)
	if !resp.survey.Anonymous {
		p.AutoPost = resp.base + "/" + strconv.Itoa(score)
		p.SavedText = lang.M.T("oneclick.saved")
	}
	return s.render(w, http.StatusOK, "survey/form", p)
}

// handleSurveyOneClickSave records the score of a one-click link as the
// script sends it: 204 when that score is now the stored one, 409 when a
// fuller answer was kept (the person can still press Save).
func (s *Server) handleSurveyOneClickSave(w http.ResponseWriter, r *http.Request) error {
	score, ok := parseScore(r.PathValue("score"))
	if !ok {
		return &pageError{status: http.StatusNotFound, kind: "notfound"}
	}
	if err := parseBody(w, r, maxOneClickBytes); err != nil {
		return err
	}
	if wait := s.answerWait(r, s.limits.surveyInvitation); wait > 0 {
		// The script that sends this shows nothing on a refusal: the
		// person still sees the form and its Save button.
		setRetryAfter(w, wait)
		http.Error(w, "too many answers from this address; try again later", http.StatusTooManyRequests)
		return nil
	}
	resp, lang, err := s.openInvitation(r)
	if err != nil {
		return err
	}
	if resp.survey.Anonymous {
		return &pageError{status: http.StatusConflict, kind: "answered", lang: lang.Text}
	}
	stored, saved, err := s.db.RecordOneClick(r.Context(), resp.inv.WorkspaceID, resp.inv.ID, score, lang.Text)
	if err != nil {
		return withLang(err, lang.Text)
	}
	if saved {
		s.opts.Metrics.AnswersStored(metrics.ChannelOneClick, 1)
	}
	if stored.Score != score {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusConflict)
		_, err := w.Write([]byte("a fuller answer is kept; submit the form to change it\n"))
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleSurveySubmit records the form of a personal link and redirects to
// the thank-you page (Post/Redirect/Get), or shows the form again with
// what to correct.
func (s *Server) handleSurveySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseBody(w, r, maxFormBytes); err != nil {
		return err
	}
	if wait := s.answerWait(r, s.limits.surveyInvitation); wait > 0 {
		return s.tooManyAnswers(w, r, wait, s.openInvitation)
	}
	resp, lang, err := s.openInvitation(r)
	if err != nil {
		return err
	}
	f, problems := parseAnswerForm(r.PostForm, resp.survey, lang.M)
	if len(problems) > 0 {
		return s.renderForm(w, http.StatusUnprocessableEntity, resp, lang, f, "", problems)
	}
	answer := nps.Response{
		WaveID:       resp.wave.ID,
		InvitationID: resp.inv.ID,
		Score:        f.Score,
		Comment:      f.Comment,
		Answers:      f.Answers,
		Language:     lang.Text,
		Channel:      nps.ChannelEmail,
	}
	if resp.survey.Anonymous {
		_, err = s.db.RecordAnonymousAnswer(r.Context(), resp.inv.WorkspaceID, resp.inv.ID, answer)
	} else {
		_, err = s.db.RecordResponse(r.Context(), resp.inv.WorkspaceID, answer)
	}
	if err != nil {
		return s.submitError(w, resp, lang, f, err)
	}
	s.opts.Metrics.AnswersStored(metrics.ChannelSurveyPage, 1)
	http.Redirect(w, r, resp.base+"/thanks?"+url.Values{"lang": {lang.Text}}.Encode(), http.StatusSeeOther)
	return nil
}

// handleSurveyThanks thanks the respondent of a personal link and, while
// the wave is open, offers to change the answer. Without an answer yet it
// sends them to the form.
func (s *Server) handleSurveyThanks(w http.ResponseWriter, r *http.Request) error {
	resp, lang, err := s.invitationTarget(r)
	if err != nil {
		return err
	}
	if resp.contact.OptedOut() {
		return &pageError{status: http.StatusGone, kind: "optedout", lang: lang.Text}
	}
	p := thanksPage{surveyChrome: s.chrome(lang, lang.M.T("thanks.title"), nil), Anonymous: resp.survey.Anonymous}
	if resp.survey.Anonymous {
		if resp.inv.RespondedAt.IsZero() {
			http.Redirect(w, r, resp.base, http.StatusSeeOther)
			return nil
		}
		return s.render(w, http.StatusOK, "survey/thanks", p)
	}
	_, err = s.db.ResponseOfInvitation(r.Context(), resp.inv.WorkspaceID, resp.inv.ID)
	if errors.Is(err, nps.ErrNotFound) {
		http.Redirect(w, r, resp.base, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	if resp.wave.OpenAt(s.db.Now()) {
		p.ChangeURL = resp.base + "?" + url.Values{"lang": {lang.Text}}.Encode()
	}
	return s.render(w, http.StatusOK, "survey/thanks", p)
}

// handlePublicForm shows the survey of an anonymous public link, for the
// survey's currently open wave.
func (s *Server) handlePublicForm(w http.ResponseWriter, r *http.Request) error {
	resp, lang, err := s.openPublic(r)
	if err != nil {
		return err
	}
	return s.renderForm(w, http.StatusOK, resp, lang, answerForm{Score: -1}, "", nil)
}

// handlePublicSubmit records an answer through the public link: no
// contact, channel "link". Without an identity every submission is a new
// answer, so the thank-you page offers no change.
func (s *Server) handlePublicSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseBody(w, r, maxFormBytes); err != nil {
		return err
	}
	if wait := s.answerWait(r, s.limits.surveyPublic); wait > 0 {
		return s.tooManyAnswers(w, r, wait, s.openPublic)
	}
	resp, lang, err := s.openPublic(r)
	if err != nil {
		return err
	}
	f, problems := parseAnswerForm(r.PostForm, resp.survey, lang.M)
	if len(problems) > 0 {
		return s.renderForm(w, http.StatusUnprocessableEntity, resp, lang, f, "", problems)
	}
	_, err = s.db.RecordResponse(r.Context(), resp.survey.WorkspaceID, nps.Response{
		WaveID:   resp.wave.ID,
		Score:    f.Score,
		Comment:  f.Comment,
		Answers:  f.Answers,
		Language: lang.Text,
		Channel:  nps.ChannelLink,
	})
	if err != nil {
		return s.submitError(w, resp, lang, f, err)
	}
	s.opts.Metrics.AnswersStored(metrics.ChannelPublic, 1)
	http.Redirect(w, r, resp.base+"/thanks?"+url.Values{"lang": {lang.Text}}.Encode(), http.StatusSeeOther)
	return nil
}

// handlePublicThanks thanks a respondent of the public link.
func (s *Server) handlePublicThanks(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.SurveyByPublicToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	lang := respondentLanguage(r, sv, "")
	p := thanksPage{surveyChrome: s.chrome(lang, lang.M.T("thanks.title"), nil), Anonymous: sv.Anonymous}
	return s.render(w, http.StatusOK, "survey/thanks", p)
}

// answerWait spends one answer of the request's client address and, when
// that is allowed, one of its link's token in byToken. It returns how long
// to wait when either limit refuses, and 0 when the answer may go on.
func (s *Server) answerWait(r *http.Request, byToken *limiter) time.Duration {
	now := s.db.Now()
	if wait := s.limits.surveyIP.take(s.clientKey(r), now); wait > 0 {
		s.opts.Metrics.RateLimited(limitSurveyAddress)
		return wait
	}
	wait := byToken.take(tokenKey(r.PathValue("token")), now)
	if wait > 0 {
		s.opts.Metrics.RateLimited(limitSurveyLink)
	}
	return wait
}

// tooManyAnswers refuses an answer over a limit with 429: the form again
// with what the respondent typed and a request to wait, or, when the link
// does not lead to an open form (open fails), the friendly page alone.
// Nothing is stored.
func (s *Server) tooManyAnswers(w http.ResponseWriter, r *http.Request, wait time.Duration,
	open func(*http.Request) (respondent, pageLang, error)) error {
	setRetryAfter(w, wait)
	resp, lang, err := open(r)
	if err != nil {
		return &pageError{status: http.StatusTooManyRequests, kind: "too_many", lang: lang.Text, cause: err}
	}
	f, _ := parseAnswerForm(r.PostForm, resp.survey, lang.M)
	return s.renderForm(w, http.StatusTooManyRequests, resp, lang, f, "", []string{lang.M.T("error.too_many")})
}

// submitError turns the refusal of a recorded answer into its page: the
// form again for a validation error, the friendly page otherwise.
func (s *Server) submitError(w http.ResponseWriter, resp respondent, lang pageLang, f answerForm, err error) error {
	var ve *nps.ValidationError
	switch {
	case errors.As(err, &ve):
		return s.renderForm(w, http.StatusUnprocessableEntity, resp, lang, f, "", []string{lang.M.T("error.choice")})
	case errors.Is(err, nps.ErrWaveClosed), errors.Is(err, nps.ErrOptedOut):
		return withLang(err, lang.Text)
	case errors.Is(err, nps.ErrConflict):
		return &pageError{status: http.StatusConflict, kind: "answered", lang: lang.Text, cause: err}
	}
	return withLang(err, lang.Text)
}

// parseScore accepts exactly "0" to "10": no sign, no leading zero, no
// fraction or exponent.
func parseScore(s string) (int, bool) {
	if len(s) == 0 || len(s) > 2 || (len(s) == 2 && s != "10") {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || s[0] == '+' || s[0] == '-' || !nps.ValidScore(n) {
		return 0, false
	}
	return n, true
}

// parseBody reads a form body of at most limit bytes into r.PostForm; a
// larger body is a 413 page, a malformed one a 400 page.
func parseBody(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &pageError{status: http.StatusRequestEntityTooLarge, kind: "too_large", cause: err}
		}
		return &pageError{status: http.StatusBadRequest, kind: "bad_request", cause: err}
	}
	return nil
}
