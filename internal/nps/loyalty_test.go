package nps

import (
	"math/rand/v2"
	"testing"
)

// 100 responses: P 40, A 38, D 22, split by the retention question.
//
//	            no  unsure  yes  (none)  total
//	promoter    30       4    1       5     40
//	passive     18      10    4       6     38
//	detractor    5       6    9       2     22
//	total       53      20   14      13    100
var loyaltyExample = map[SwitchIntent]Histogram{
	SwitchNo:     hist(30, 18, 5),
	SwitchUnsure: hist(4, 10, 6),
	SwitchYes:    hist(1, 4, 9),
	"":           hist(5, 6, 2),
}

func TestLoyaltyMatrix(t *testing.T) {
	m := NewLoyaltyMatrix(loyaltyExample)
	counts := []struct {
		c      Category
		i      SwitchIntent
		n      int64
		share  float64
		reason string
	}{
		{Promoter, SwitchNo, 30, 0.75, "30/40"},
		{Promoter, SwitchYes, 1, 0.025, "1/40"},
		{Passive, SwitchUnsure, 10, 10.0 / 38, "10/38"},
		{Detractor, SwitchYes, 9, 9.0 / 22, "9/22"},
		{Detractor, "", 2, 2.0 / 22, "2/22"},
		{Category(5), SwitchNo, 0, 0, "no such row"},
		{Promoter, SwitchIntent("maybe"), 0, 0, "no such column"},
	}
	for _, tc := range counts {
		if got := m.Count(tc.c, tc.i); got != tc.n {
			t.Errorf("Count(%v, %q): got %d, want %d", tc.c, tc.i, got, tc.n)
		}
		if got := m.RowShare(tc.c, tc.i); !near(got, tc.share) {
			t.Errorf("RowShare(%v, %q): got %v, want %v (%s)", tc.c, tc.i, got, tc.share, tc.reason)
		}
	}
	if m.RowTotal(Passive) != 38 || m.ColumnTotal(SwitchNo) != 53 || m.ColumnTotal("") != 13 || m.Total() != 100 {
		t.Errorf("totals: passive %d, no %d, none %d, all %d; want 38, 53, 13, 100", m.RowTotal(Passive), m.ColumnTotal(SwitchNo), m.ColumnTotal(""), m.Total())
	}
	// At risk: unsure 20 + yes 14 = 34, of whom promoters 4 + 1 = 5 and
	// detractors 6 + 9 = 15; loyal promoters 30.
	if m.AtRisk() != 34 || m.LoyalPromoters() != 30 || m.RowAtRisk(Promoter) != 5 || m.RowAtRisk(Detractor) != 15 {
		t.Errorf("AtRisk %d, LoyalPromoters %d, promoters at risk %d, detractors %d; want 34, 30, 5, 15",
			m.AtRisk(), m.LoyalPromoters(), m.RowAtRisk(Promoter), m.RowAtRisk(Detractor))
	}
}

func TestLoyaltyMatrixRows(t *testing.T) {
	m := NewLoyaltyMatrix(loyaltyExample)
	rows := m.Rows()
	if len(rows) != 3 || rows[0].Category != Promoter || rows[1].Category != Passive || rows[2].Category != Detractor {
		t.Fatalf("Rows: got %+v, want promoter, passive, detractor", rows)
	}
	// The detractor row: 5, 6, 9, 2 of 22.
	d := rows[2]
	want := []LoyaltyCell{{SwitchNo, 5, 5.0 / 22}, {SwitchUnsure, 6, 6.0 / 22}, {SwitchYes, 9, 9.0 / 22}, {"", 2, 2.0 / 22}}
	if d.Total != 22 || len(d.Cells) != len(want) {
		t.Fatalf("detractor row: got %+v", d)
	}
	for i, c := range d.Cells {
		if c.Intent != want[i].Intent || c.Count != want[i].Count || !near(c.Share, want[i].Share) {
			t.Errorf("detractor cell %d: got %+v, want %+v", i, c, want[i])
		}
	}
	cols := m.Columns()
	wantCols := []LoyaltyColumn{{SwitchNo, 53, 0.53}, {SwitchUnsure, 20, 0.20}, {SwitchYes, 14, 0.14}, {"", 13, 0.13}}
	for i, c := range cols {
		if c.Intent != wantCols[i].Intent || c.Count != wantCols[i].Count || !near(c.Share, wantCols[i].Share) {
			t.Errorf("column %d: got %+v, want %+v", i, c, wantCols[i])
		}
	}
}

func TestLoyaltyMatrixEmpty(t *testing.T) {
	m := NewLoyaltyMatrix(nil)
	if m.Total() != 0 || m.AtRisk() != 0 || m.RowShare(Promoter, SwitchNo) != 0 {
		t.Errorf("empty matrix: got total %d, at risk %d, share %v; want zeros", m.Total(), m.AtRisk(), m.RowShare(Promoter, SwitchNo))
	}
	for _, r := range m.Rows() {
		if len(r.Cells) != 4 {
			t.Errorf("empty matrix row %v: %d cells, want 4", r.Category, len(r.Cells))
		}
	}
}

// Rows and columns add up to the responses put in, and each non-empty
// row's shares to 1.
func TestLoyaltyMatrixProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	intents := []SwitchIntent{SwitchNo, SwitchUnsure, SwitchYes, ""}
	for i := 0; i < 2000; i++ {
		by := map[SwitchIntent]Histogram{}
		var n int64
		for _, in := range intents {
			if rng.IntN(4) > 0 {
				by[in] = randomHistogram(rng)
				n += by[in].N()
			}
		}
		m := NewLoyaltyMatrix(by)
		var rowSum, colSum int64
		for _, r := range m.Rows() {
			rowSum += r.Total
			var s float64
			for _, c := range r.Cells {
				s += c.Share
			}
			if r.Total > 0 && (s < 1-1e-9 || s > 1+1e-9) {
				t.Fatalf("%v: row %v shares sum to %v", by, r.Category, s)
			}
		}
		for _, c := range m.Columns() {
			colSum += c.Count
		}
		if m.Total() != n || rowSum != n || colSum != n {
			t.Fatalf("%v: total %d, rows %d, columns %d; want %d", by, m.Total(), rowSum, colSum, n)
		}
	}
}
