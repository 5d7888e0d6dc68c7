package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/scorefile"
)

const calcSynopsis = "calc [flags] [FILE [FILE2]]\n\n" +
	"Computes the NPS, its interval and the category counts from a file of scores\n" +
	"(one per line, or a CSV with a score column); standard input when FILE is\n" +
	"absent or \"-\". With two files it also tests the change from FILE to FILE2."

// runCalc is the analyst's check: the same statistics as the dashboard,
// from a plain file, so that any figure can be reproduced independently.
func runCalc(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("calc", flag.ContinueOnError)
	column := fs.String("column", "", "name of the score column in a CSV file (default \"score\")")
	weight := fs.String("weight", "", "name of a weight column in a CSV file (weighted NPS, Kish effective n)")
	method := fs.String("method", string(nps.AdjustedWald), "interval method: adjusted-wald or wald")
	confidence := fs.Float64("confidence", nps.DefaultConfidence, "confidence level of the interval, between 0 and 1")
	population := fs.Int64("population", 0, "number of customers the sample came from, for the finite population correction (0: unknown)")
	asJSON := fs.Bool("json", false, "print JSON (the stable contract documented in the README)")
	files, help, err := parseFlags(fs, calcSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	m, err := nps.ParseMethod(*method)
	if err != nil {
		return usageError{fmt.Errorf("calc: %w", err)}
	}
	opts := nps.Options{Method: m, Confidence: *confidence, Population: *population}
	if len(files) == 0 {
		files = []string{"-"}
	}
	if len(files) > 2 {
		return usageError{fmt.Errorf("calc: got %d files, want one or two", len(files))}
	}
	if len(files) == 2 && files[0] == "-" && files[1] == "-" {
		return usageError{errors.New("calc: standard input can be read only once")}
	}
	results := make([]nps.Result, len(files))
	for i, name := range files {
		s, err := readScores(name, stdin, scorefile.Options{Column: *column, Weight: *weight})
		if err != nil {
			return err
		}
		if results[i], err = estimate(s, opts); err != nil {
			return usageError{fmt.Errorf("calc: %s: %w", displayName(name), err)}
		}
	}
	var cmp *nps.Comparison
	if len(results) == 2 && !results[0].Empty() && !results[1].Empty() {
		c, err := nps.Compare(results[0], results[1])
		if err != nil {
			return fmt.Errorf("calc: compare: %w", err)
		}
		cmp = &c
	}
	if *asJSON {
		return writeCalcJSON(stdout, results, cmp)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		writeResult(stdout, displayName(files[i]), r)
	}
	if len(results) == 2 {
		fmt.Fprintln(stdout)
		writeComparison(stdout, cmp)
	}
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

func readScores(name string, stdin io.Reader, o scorefile.Options) (scorefile.Scores, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return scorefile.Scores{}, usageError{fmt.Errorf("calc: %w", err)}
		}
		defer f.Close()
		r = f
	}
	s, err := scorefile.Read(r, displayName(name), o)
	if err != nil {
		return s, usageError{fmt.Errorf("calc: %w", err)}
	}
	return s, nil
}

func estimate(s scorefile.Scores, o nps.Options) (nps.Result, error) {
	if s.Weighted {
		return nps.EstimateWeighted(s.Histogram, o)
	}
	return nps.Estimate(s.Histogram.Count, o)
}

// resultJSON and comparisonJSON are calc's JSON contract, the one the
// REST API shares (see nps.ResultJSON).
type (
	resultJSON     = nps.ResultJSON
	comparisonJSON = nps.ComparisonJSON
)

func writeCalcJSON(w io.Writer, results []nps.Result, cmp *nps.Comparison) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(results) == 1 {
		var j resultJSON = results[0].JSON()
		return enc.Encode(j)
	}
	var j comparisonJSON = nps.NewComparisonJSON(results[0], results[1], cmp)
	return enc.Encode(j)
}
