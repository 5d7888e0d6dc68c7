package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the CLI with no environment and returns its output.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	if err != nil {
		return out.String(), err.Error(), exitCode(err)
	}
	return out.String(), errOut.String(), 0
}

// writeFile writes content to a file in a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scores returns p promoters, a passives and d detractors, one per line.
func scores(p, a, d int) string {
	return strings.Repeat("10\n", p) + strings.Repeat("7\n", a) + strings.Repeat("2\n", d)
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}

func TestCalcJSON(t *testing.T) {
	// P 40, A 38, D 22 of 100; adjusted Wald: SE 7.542531488412174,
	// interval 17.475728 ± 14.783090 (hand-worked in internal/nps).
	out, _, code := runCLI(t, scores(40, 38, 22), "calc", "--json")
	if code != 0 {
		t.Fatalf("calc --json: exit %d", code)
	}
	r := decode[resultJSON](t, out)
	if r.N != 100 || r.Promoters != 40 || r.Passives != 38 || r.Detractors != 22 || r.Method != "adjusted-wald" || r.Confidence != 0.95 {
		t.Errorf("calc --json: got %+v", r)
	}
	for _, f := range []struct {
		name string
		got  *float64
		want float64
	}{{"nps", r.NPS, 18}, {"se", r.SE, 7.542531488412174}, {"low", r.Low, 2.692638085792659}, {"high", r.High, 32.25881822488695}, {"margin", r.Margin, 14.783090069547146}} {
		if f.got == nil || math.Abs(*f.got-f.want) > 1e-9 {
			t.Errorf("calc --json %s: got %v, want %v", f.name, f.got, f.want)
		}
	}
	if r.EffectiveN != nil {
		t.Errorf("calc --json unweighted: got effective_n %v, want none", *r.EffectiveN)
	}
}

func TestCalcJSONOptions(t *testing.T) {
	// Wald at 99 %: 18 ± 2.575829·7.665507 = 18 ± 19.745038.
	out, _, _ := runCLI(t, scores(40, 38, 22), "calc", "--json", "--method", "wald", "--confidence", "0.99")
	r := decode[resultJSON](t, out)
	if r.Method != "wald" || r.Confidence != 0.99 || math.Abs(*r.Margin-19.74503796592973) > 1e-9 {
		t.Errorf("calc --method wald --confidence 0.99: got %+v (margin %v)", r, *r.Margin)
	}
	// n = 9 of N = 20 (hand-worked in internal/nps): SE 17.651806.
	out, _, _ = runCLI(t, scores(5, 2, 2), "calc", "--json", "--population", "20")
	r = decode[resultJSON](t, out)
	if r.Population != 20 || math.Abs(*r.SE-17.65180606368486) > 1e-9 || math.Abs(*r.Low-(-5.846904146908052)) > 1e-9 {
		t.Errorf("calc --population 20: got %+v", r)
	}
}

func TestCalcJSONWeighted(t *testing.T) {
	// Kish n = 4.5²/6.25 = 3.24; weighted NPS 100·1.5/4.5 (see internal/nps).
	path := writeFile(t, "w.csv", "Score;Gewicht\n10;2\n9;0,5\n8;1\n3;1\n")
	out, _, code := runCLI(t, "", "calc", path, "--weight", "gewicht", "--json")
	if code != 0 {
		t.Fatalf("calc --weight: exit %d", code)
	}
	r := decode[resultJSON](t, out)
	if r.EffectiveN == nil || math.Abs(*r.EffectiveN-3.24) > 1e-9 || math.Abs(*r.NPS-100.0/3) > 1e-9 || math.Abs(*r.SE-31.375393243244933) > 1e-9 {
		t.Errorf("calc --weight: got %+v", r)
	}
}

func TestCalcJSONEmpty(t *testing.T) {
	out, _, code := runCLI(t, "", "calc", "--json")
	if code != 0 {
		t.Fatalf("calc --json on empty input: exit %d", code)
	}
	if !strings.Contains(out, `"nps": null`) || !strings.Contains(out, `"n": 0`) || strings.Contains(out, "NaN") {
		t.Errorf("calc --json on empty input: got %s, want n 0 and nps null", out)
	}
}

func TestCalcCompareJSON(t *testing.T) {
	// −10 (P 30, A 30, D 40) to +18 (P 40, A 38, D 22): +28, SE 11.107216,
	// z 2.520884, p 0.011706 (hand-worked in internal/nps).
	a := writeFile(t, "2024.txt", scores(30, 30, 40))
	rows := strings.ReplaceAll(strings.TrimSuffix(scores(40, 38, 22), "\n"), "\n", ",\"a, b\"\r\n")
	b := writeFile(t, "2025.csv", "SCORE,comment\r\n"+rows+",\r\n")
	out, _, code := runCLI(t, "", "calc", "--json", a, b)
	if code != 0 {
		t.Fatalf("calc a b: exit %d", code)
	}
	c := decode[comparisonJSON](t, out)
	if c.A.N != 100 || c.B.N != 100 || math.Abs(*c.Difference-28) > 1e-9 || math.Abs(*c.SE-11.10721599220072) > 1e-9 ||
		math.Abs(*c.Z-2.5208837227673504) > 1e-9 || math.Abs(*c.P-0.01170605272219308) > 1e-9 || !c.Significant {
		t.Errorf("calc a b: got %s", out)
	}
}

func TestCalcCompareCensus(t *testing.T) {
	a := writeFile(t, "a", scores(5, 3, 2))
	b := writeFile(t, "b", scores(6, 3, 1))
	out, _, _ := runCLI(t, "", "calc", "--json", "--population", "10", a, b)
	c := decode[comparisonJSON](t, out)
	if c.Z != nil || c.P == nil || *c.P != 0 || !c.Significant || *c.Difference != 20 {
		t.Errorf("calc census vs census: got %s, want z null, p 0, significant", out)
	}
	out, _, _ = runCLI(t, "", "calc", "--json", a, writeFile(t, "empty", ""))
	c = decode[comparisonJSON](t, out)
	if c.Difference != nil || c.Significant || c.B.NPS != nil {
		t.Errorf("calc a empty: got %s, want a null comparison", out)
	}
}

func TestCalcText(t *testing.T) {
	a := writeFile(t, "a.txt", scores(30, 30, 40))
	b := writeFile(t, "b.txt", scores(40, 38, 22))
	out, _, code := runCLI(t, "", "calc", a, b)
	if code != 0 {
		t.Fatalf("calc a b: exit %d", code)
	}
	for _, want := range []string{
		"NPS         -10\n",
		"NPS         +18\n",
		"interval    +3 to +32 (95% adjusted Wald; 2.69 to 32.26, margin ±14.78)",
		"responses   100\n",
		"promoters   40 (share 40.0%)",
		"detractors  22 (share 22.0%)",
		"change      +28 points (second minus first)",
		"z 2.521, p 0.01171: significant at 95%",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("calc a b: output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runCLI(t, scores(2, 5, 1), "calc")
	for _, want := range []string{"NPS         +13 (12.50 before rounding)", "moves in steps of 12.5 points"} {
		if !strings.Contains(out, want) {
			t.Errorf("calc on n = 8: output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runCLI(t, "", "calc", "-")
	if !strings.Contains(out, "NPS         no responses") {
		t.Errorf("calc on empty stdin: got %q, want no responses", out)
	}
}

func TestCalcBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"eleven", "9\n11\n", nil, `calc: stdin:2: "11" is not a score`},
		{"minus one", "-1\n", nil, `calc: stdin:1: "-1" is not a score`},
		{"decimal", "7.5\n", nil, `calc: stdin:1: "7.5" is not a score`},
		{"text", "9\nabc\n", nil, `calc: stdin:2: "abc" is not a score`},
		{"missing file", "", []string{filepath.Join(dir, "nope.txt")}, "no such file or directory"},
		{"three files", "", []string{"a", "b", "c"}, "got 3 files, want one or two"},
		{"stdin twice", "", []string{"-", "-"}, "standard input can be read only once"},
		{"bad method", "9\n", []string{"--method", "wilson"}, `unknown interval method "wilson"`},
		{"bad confidence", "9\n", []string{"--confidence", "95"}, "confidence: 95 must lie strictly between 0 and 1"},
		{"small population", "9\n9\n", []string{"--population", "1"}, "population: 1 is smaller than the 2 responses"},
		{"unknown flag", "", []string{"--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.stdin, append([]string{"calc"}, tt.args...)...)
			if code != 2 || out != "" || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") > 0 {
				t.Errorf("calc %v on %q: got exit %d, stdout %q, error %q; want exit 2, no output, one-line error containing %q",
					tt.args, tt.stdin, code, out, errOut, tt.want)
			}
		})
	}
}

func TestCalcCRLFAndBOM(t *testing.T) {
	plain, _, _ := runCLI(t, scores(4, 3, 2), "calc", "--json")
	crlf, _, _ := runCLI(t, "\ufeff"+strings.ReplaceAll(scores(4, 3, 2), "\n", "\r\n"), "calc", "--json")
	if plain != crlf {
		t.Errorf("calc on BOM + CRLF: got %s, want %s", crlf, plain)
	}
}

func TestVersionAndUsage(t *testing.T) {
	out, _, code := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "promotor ") {
		t.Errorf("version: got %q, exit %d", out, code)
	}
	if _, errOut, code := runCLI(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("frobnicate: got exit %d, %q", code, errOut)
	}
	if out, _, code := runCLI(t, "", "calc", "-h"); code != 0 || !strings.Contains(out, "-population") {
		t.Errorf("calc -h: got exit %d, %q", code, out)
	}
}
