package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// benchmarksPage lists the sector figures the team entered and, for
// analysts, the form to add one.
type benchmarksPage struct {
	appLayout
	Benchmarks []nps.Benchmark
	Form       benchmarkForm
	Error      string
}

// benchmarkForm is the form as typed, to show again with an error.
type benchmarkForm struct{ Name, NPS, Low, High, N, Source string }

func (s *Server) handleBenchmarks(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	return s.renderBenchmarks(w, r, a, http.StatusOK, benchmarkForm{}, "")
}

func (s *Server) renderBenchmarks(w http.ResponseWriter, r *http.Request, a *appRequest, status int, f benchmarkForm, msg string) error {
	list, err := s.db.Benchmarks(r.Context(), a.Workspace.ID)
	if err != nil {
		return err
	}
	return s.render(w, status, "app/benchmarks", benchmarksPage{appLayout: a.layout(a.M.T("dash.benchmarks")), Benchmarks: list, Form: f, Error: msg})
}

func (s *Server) handleBenchmarkCreate(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	if err := parseAppForm(w, r); err != nil {
		return err
	}
	f := benchmarkForm{Name: r.PostFormValue("name"), NPS: r.PostFormValue("nps"), Low: r.PostFormValue("low"),
		High: r.PostFormValue("high"), N: r.PostFormValue("n"), Source: r.PostFormValue("source")}
	b := nps.Benchmark{Name: f.Name, Source: f.Source}
	num := func(s string) (float64, bool) {
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
		return v, err == nil
	}
	var ok bool
	if b.NPS, ok = num(f.NPS); !ok {
		return s.renderBenchmarks(w, r, a, http.StatusBadRequest, f, a.M.T("dash.bench.bad_nps"))
	}
	if f.Low != "" || f.High != "" {
		lowOK, highOK := false, false
		b.Low, lowOK = num(f.Low)
		b.High, highOK = num(f.High)
		if !lowOK || !highOK {
			return s.renderBenchmarks(w, r, a, http.StatusBadRequest, f, a.M.T("dash.bench.bad_interval"))
		}
		b.HasInterval = true
	}
	if f.N != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(f.N), 10, 64)
		if err != nil || n <= 0 {
			return s.renderBenchmarks(w, r, a, http.StatusBadRequest, f, a.M.T("dash.bench.bad_n"))
		}
		b.N = n
	}
	if _, err := s.db.CreateBenchmark(r.Context(), a.Workspace.ID, b); err != nil {
		var ve *nps.ValidationError
		if errors.As(err, &ve) {
			return s.renderBenchmarks(w, r, a, http.StatusUnprocessableEntity, f, ve.Error())
		}
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/benchmarks", http.StatusSeeOther)
	return nil
}

func (s *Server) handleBenchmarkDelete(w http.ResponseWriter, r *http.Request, a *appRequest) error {
	id, err := appPathID(r, "benchmark")
	if err != nil {
		return err
	}
	if err := s.db.DeleteBenchmark(r.Context(), a.Workspace.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, a.layout("").Base()+"/benchmarks", http.StatusSeeOther)
	return nil
}
