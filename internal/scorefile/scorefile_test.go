package scorefile

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/promotor/promotor/internal/nps"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		o      Options
		counts nps.Histogram
		weight [11]float64 // nil-equivalent: unit weights
	}{
		{name: "plain", in: "9\n10\n0\n7\n", counts: nps.Histogram{0: 1, 7: 1, 9: 1, 10: 1}},
		{name: "no final newline", in: "9\n3", counts: nps.Histogram{3: 1, 9: 1}},
		{name: "blank lines and spaces", in: "\n  \n 8 \n\t10\t\n\n", counts: nps.Histogram{8: 1, 10: 1}},
		{name: "crlf", in: "9\r\n5\r\n\r\n", counts: nps.Histogram{5: 1, 9: 1}},
		{name: "bom", in: "\ufeff6\n6\n", counts: nps.Histogram{6: 2}},
		{name: "bom csv", in: "\ufeffScore\r\n1\r\n", counts: nps.Histogram{1: 1}},
		{name: "empty", in: ""},
		{name: "only blank", in: "\n\r\n  \n"},
		{name: "header only", in: "score\n"},
		{name: "blank csv lines", in: "id,score\n  \n1,9\n \t , \n", counts: nps.Histogram{9: 1}},
		{name: "header skipped", in: "SCORE\n9\n", counts: nps.Histogram{9: 1}},
		{name: "csv", in: "id,score,comment\n1,9,\"good, fast\"\n2,4,\"multi\nline\"\n3,10,\n", counts: nps.Histogram{4: 1, 9: 1, 10: 1}},
		{name: "semicolon", in: "id;Score;comment\n1;9;\"a, b\"\n2;0;x\n", counts: nps.Histogram{0: 1, 9: 1}},
		{name: "tab", in: "id\tscore\n1\t8\n", counts: nps.Histogram{8: 1}},
		{name: "other column", in: "nps,score\n3,9\n", o: Options{Column: "NPS"}, counts: nps.Histogram{3: 1}},
		{
			name: "weights", in: "score,w\n10,2\n9,0.5\n8,1\n3,1\n", o: Options{Weight: "w"},
			counts: nps.Histogram{3: 1, 8: 1, 9: 1, 10: 1}, weight: [11]float64{3: 1, 8: 1, 9: 0.5, 10: 2},
		},
		{
			name: "decimal comma weights", in: "score;weight\n10;1,5\n", o: Options{Weight: "Weight"},
			counts: nps.Histogram{10: 1}, weight: [11]float64{10: 1.5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.in), "in", tt.o)
			if err != nil {
				t.Fatalf("Read(%q): %v", tt.in, err)
			}
			if got.Histogram.Count != tt.counts {
				t.Errorf("Read(%q): got counts %v, want %v", tt.in, got.Histogram.Count, tt.counts)
			}
			want := tt.weight
			if tt.o.Weight == "" {
				for s, c := range tt.counts {
					want[s] = float64(c)
				}
			}
			if got.Histogram.Weight != want || got.Weighted != (tt.o.Weight != "") {
				t.Errorf("Read(%q): got weights %v (weighted %v), want %v", tt.in, got.Histogram.Weight, got.Weighted, want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in string
		o        Options
		want     string
	}{
		{"eleven", "9\n11\n", Options{}, `in:2: "11" is not a score: want a whole number from 0 to 10`},
		{"negative", "-1\n", Options{}, `in:1: "-1" is not a score`},
		{"decimal", "7\n\n7.5\n", Options{}, `in:3: "7.5" is not a score`},
		{"text", "7\nabc\n", Options{}, `in:2: "abc" is not a score`},
		{"text first", "abc\n7\n", Options{}, `in:1: no "score" column in the header (columns: abc; --column chooses one)`},
		{"emoji", "😀\n", Options{}, `in:1: "😀" is not a score`},
		{"plus sign", "+7\n", Options{}, `in:1: "+7" is not a score`},
		{"leading zero", "07\n", Options{}, `in:1: "07" is not a score`},
		{"two numbers", "7 8\n", Options{}, `in:1: "7 8" is not a score`},
		{"utf16", "\xff\xfe9\x00", Options{}, "in: the file is UTF-16 encoded"},
		{"column on plain", "9\n", Options{Column: "nps"}, "in:1: no header line"},
		{"missing column", "id,nps\n1,9\n", Options{}, `in:1: no "score" column in the header (columns: id, nps; --column chooses one)`},
		{"column with a carriage return", "\rA;x y;\n", Options{}, `in:1: no "score" column in the header (columns: "\rA", x y, ""; --column chooses one)`},
		{"missing weight", "score\n9\n", Options{Weight: "w"}, `in:1: no "w" weight column`},
		{"empty score", "id,score\n1,\n", Options{}, "in:2: the score is empty"},
		{"bad score in csv", "comment,score\n\"two\nlines\",12\n", Options{}, `in:3: "12" is not a score`},
		{"field count", "id,score\n1,9\n2,8,x\n", Options{}, "in:3: 3 fields where the header has 2"},
		{"short row", "id,score,c\n1,9,\n2\n", Options{}, "in:3: 1 fields where the header has 3"},
		{"bad quote", "id,score\n1,\"9\n", Options{}, "in:2: extraneous or missing \" in quoted-field"},
		{"negative weight", "score,w\n9,-1\n", Options{Weight: "w"}, `in:2: "-1" is not a weight`},
		{"nan weight", "score,w\n9,NaN\n", Options{Weight: "w"}, `in:2: "NaN" is not a weight`},
		{"offset after blank lines", "\n\nscore\n9\nx\n", Options{}, `in:5: "x" is not a score`},
		{"long line", strings.Repeat("9", 70000) + "\n", Options{}, "in:1: line longer than 64 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), "in", tt.o)
			var fe *Error
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Read(%q): got error %v, want one starting %q", tt.in, err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("Read(%q): error %q spans lines, want one line", tt.in, err)
			}
		})
	}
}

func TestReadError(t *testing.T) {
	_, err := Read(iotest.ErrReader(errors.New("disk on fire")), "in", Options{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Read(failing reader): got %v, want the read error", err)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{"9\n10\n0\n", "score;w\n9;1,5\n", "id,score\n1,\"9\n", "\ufeff7\r\n", "abc\n", "\xff\xfe"} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, in []byte, weighted bool) {
		o := Options{}
		if weighted {
			o.Weight = "w"
		}
		s, err := Read(strings.NewReader(string(in)), "in", o)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("Read(%q): error %q is not a *Error on one line", in, err)
			}
			return
		}
		if _, err := nps.EstimateWeighted(s.Histogram, nps.Options{}); err != nil && s.Histogram.Count.N() > 0 {
			// Only an all-zero weight column may fail to estimate.
			var sum float64
			for _, w := range s.Histogram.Weight {
				sum += w
			}
			if sum != 0 {
				t.Fatalf("Read(%q) gave %+v that does not estimate: %v", in, s, err)
			}
		}
	})
}
