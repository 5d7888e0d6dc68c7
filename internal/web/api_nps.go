package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// apiNPS is the answer of the NPS endpoint: the fields of
// `promotor calc --json` (nps.ResultJSON), so that a figure can be checked
// with calc, and the 11 counts it was computed from.
type apiNPS struct {
	nps.ResultJSON
	// Histogram counts the responses per score, 0 to 10.
	Histogram nps.Histogram `json:"histogram"`
}

// npsParams are the query parameters of the NPS endpoint.
var npsParams = []string{"wave", "account", "from", "to", "method", "confidence"}

// handleAPINPS computes a survey's NPS from the rollups, for one wave or
// all, optionally for one account and a range of months.
//
// The wave's population applies the finite population correction only
// when the whole wave is asked for: an account or a range of months is a
// sample of a population of unknown size.
func (s *Server) handleAPINPS(w http.ResponseWriter, r *http.Request, token nps.APIToken) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.db.Survey(ctx, token.WorkspaceID, id); err != nil {
		return notFoundAs(err, "survey", id)
	}
	q := r.URL.Query()
	var problems []fieldProblem
	bad := func(field, format string, args ...any) {
		problems = append(problems, fieldProblem{Field: field, Detail: fmt.Sprintf(format, args...)})
	}
	for k, v := range q {
		if !slices.Contains(npsParams, k) {
			bad(k, "is not a parameter; use wave, account, from, to, method or confidence")
		} else if len(v) > 1 {
			bad(k, "is given %d times; give it once", len(v))
		}
	}
	f := store.HistogramFilter{SurveyID: id}
	ids := map[string]*int64{"wave": &f.WaveID, "account": &f.AccountID}
	for _, name := range []string{"wave", "account"} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				bad(name, "%q is not an ID", v)
				continue
			}
			*ids[name] = n
		}
	}
	months := map[string]*nps.Month{"from": &f.FromMonth, "to": &f.ToMonth}
	for _, name := range []string{"from", "to"} {
		if v := q.Get(name); v != "" {
			m, err := nps.ParseMonth(v)
			if err != nil {
				bad(name, "%q is not a month like 2025-03", v)
				continue
			}
			*months[name] = m
		}
	}
	if f.FromMonth != 0 && f.ToMonth != 0 && f.FromMonth > f.ToMonth {
		bad("to", "must not be before from")
	}
	opts := nps.Options{Method: nps.AdjustedWald, Confidence: nps.DefaultConfidence}
	if v := q.Get("method"); v != "" {
		if opts.Method, err = nps.ParseMethod(v); err != nil {
			bad("method", "%q is not an interval method; use adjusted-wald or wald", v)
		}
	}
	if v := q.Get("confidence"); v != "" {
		c, err := strconv.ParseFloat(v, 64)
		if err != nil || !(c > 0 && c < 1) {
			bad("confidence", "%q is not a confidence level between 0 and 1, such as 0.95", v)
		}
		opts.Confidence = c
	}
	if problems != nil {
		slices.SortFunc(problems, func(a, b fieldProblem) int { return cmp.Compare(a.Field, b.Field) })
		return &invalidInput{detail: "the query parameters are not acceptable", problems: problems}
	}
	if f.WaveID != 0 {
		wv, err := s.db.Wave(ctx, token.WorkspaceID, f.WaveID)
		if err != nil && !errors.Is(err, nps.ErrNotFound) {
			return err
		}
		if err != nil || wv.SurveyID != id {
			return &httpError{status: http.StatusNotFound, message: fmt.Sprintf("wave %d of survey %d does not exist", f.WaveID, id), cause: err}
		}
		if f.AccountID == 0 && f.FromMonth == 0 && f.ToMonth == 0 {
			opts.Population = wv.Population
		}
	}
	if f.AccountID != 0 {
		if _, err := s.db.Account(ctx, token.WorkspaceID, f.AccountID); err != nil {
			return notFoundAs(err, "account", f.AccountID)
		}
	}
	h, err := s.db.Histogram(ctx, token.WorkspaceID, f)
	if err != nil {
		return err
	}
	if opts.Population != 0 && opts.Population < h.N() {
		return &httpError{status: http.StatusConflict, message: fmt.Sprintf(
			"the wave's population of %d is smaller than its %d responses; correct the population (PATCH /api/v1/waves/%d)",
			opts.Population, h.N(), f.WaveID)}
	}
	res, err := nps.Estimate(h, opts)
	if err != nil {
		return err
	}
	return writeJSON(w, "application/json", http.StatusOK, apiNPS{ResultJSON: res.JSON(), Histogram: h})
}
