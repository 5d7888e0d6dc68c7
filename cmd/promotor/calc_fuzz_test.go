package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/promotor/promotor/internal/nps"
)

// FuzzCalc runs "promotor calc --json" on arbitrary flags and standard
// input: a refusal is a usage error (exit status 2) on one line, and a
// result is the JSON contract with the counts adding up and the NPS and
// its interval within -100 to +100.
func FuzzCalc(f *testing.F) {
	for _, in := range []string{"9\n10\n0\n", "score;w\n9;1,5\n3;2\n", "id,score\n1,\"9\n", "\ufeff7\r\n", "abc\n", "", "10\n10\n"} {
		f.Add("", "", "adjusted-wald", "0.95", "0", in)
		f.Add("score", "w", "wald", "0.99", "10", in)
	}
	f.Add("x", "", "adjusted-wald", "1", "-1", "9\n")
	f.Add("", "", "exact", "NaN", "1", "9\n")
	f.Add("", "", "wald", "0x1p-2", "9223372036854775807", "0\n")
	f.Add("", "", "wald", "1e-300", "1", "9\n")
	f.Fuzz(func(t *testing.T, column, weight, method, confidence, population, stdin string) {
		args := []string{"calc", "--json", "--method=" + method, "--confidence=" + confidence, "--population=" + population}
		if column != "" {
			args = append(args, "--column="+column)
		}
		if weight != "" {
			args = append(args, "--weight="+weight)
		}
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(args, "-"), func(string) string { return "" }, strings.NewReader(stdin), &stdout, &stderr)
		if err != nil {
			if exitCode(err) != 2 || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("calc %q on %q: error %q (exit %d), want a one-line usage error", args, stdin, err, exitCode(err))
			}
			return
		}
		var r nps.ResultJSON
		dec := json.NewDecoder(&stdout)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("calc %q on %q: output is not the JSON contract: %v", args, stdin, err)
		}
		if r.Promoters+r.Passives+r.Detractors != r.N || r.N < 0 {
			t.Fatalf("calc %q on %q: counts %+v do not add up", args, stdin, r)
		}
		within := func(p *float64) bool { return p == nil || (*p >= -100 && *p <= 100) }
		if !within(r.NPS) || !within(r.Low) || !within(r.High) || (r.Low != nil && r.High != nil && *r.Low > *r.High) {
			t.Fatalf("calc %q on %q: NPS or interval out of range: %+v", args, stdin, r)
		}
		if r.N > 0 && r.NPS == nil {
			t.Fatalf("calc %q on %q: %d answers and no NPS", args, stdin, r.N)
		}
	})
}
