package nps

import (
	"encoding/json"
	"math"
	"testing"
)

func TestResultJSON(t *testing.T) {
	tests := []struct {
		name string
		h    Histogram
		o    Options
		want string
	}{
		{"empty", Histogram{}, Options{},
			`{"n":0,"promoters":0,"passives":0,"detractors":0,"nps":null,"se":null,"method":"adjusted-wald","confidence":0.95,"low":null,"high":null,"margin":null}`},
		// A census of 4: 2 promoters, 1 passive, 1 detractor; the finite
		// population correction makes the result exact.
		{"census", Histogram{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 2}, Options{Method: Wald, Population: 4},
			`{"n":4,"promoters":2,"passives":1,"detractors":1,"nps":25,"se":0,"method":"wald","confidence":0.95,"low":25,"high":25,"margin":0,"population":4}`},
	}
	for _, tt := range tests {
		r, err := Estimate(tt.h, tt.o)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b, err := json.Marshal(r.JSON())
		if err != nil || string(b) != tt.want {
			t.Errorf("%s: got %s (%v), want %s", tt.name, b, err, tt.want)
		}
	}
}

func TestComparisonJSON(t *testing.T) {
	a, b := Result{N: 1, Method: Wald, Confidence: 0.95}, Result{N: 1, NPS: 100, Method: Wald, Confidence: 0.95}
	c := Comparison{Difference: 100, Z: math.Inf(1), Significant: true}
	got, err := json.Marshal(NewComparisonJSON(a, b, &c))
	want := `{"a":{"n":1,"promoters":0,"passives":0,"detractors":0,"nps":0,"se":0,"method":"wald","confidence":0.95,"low":0,"high":0,"margin":0},` +
		`"b":{"n":1,"promoters":0,"passives":0,"detractors":0,"nps":100,"se":0,"method":"wald","confidence":0.95,"low":0,"high":0,"margin":0},` +
		`"difference":100,"se":0,"z":null,"p":0,"significant":true}`
	if err != nil || string(got) != want {
		t.Errorf("NewComparisonJSON with an infinite z: got %s (%v), want %s", got, err, want)
	}
	got, _ = json.Marshal(NewComparisonJSON(a, Result{}, nil))
	if want := `"difference":null,"se":null,"z":null,"p":null,"significant":false}`; string(got[len(got)-len(want):]) != want {
		t.Errorf("NewComparisonJSON without a comparison: got %s, want it to end %s", got, want)
	}
}
