package nps

// The loyalty matrix crosses the NPS category of each response with its
// answer to the retention question ("are you considering doing business
// with a competitor within 12 months?"). A promoter who says no is loyal;
// anyone who says yes or unsure is at risk, whatever the score: a passive
// who is shopping around matters more than the score alone says.

// categoryOrder is the display order of the categories: the matrix's rows
// and Outcomes.ByCategory.
var categoryOrder = [3]Category{Promoter, Passive, Detractor}

// loyaltyIntents are the matrix's columns in display order; "" holds the
// respondents who did not answer the retention question.
var loyaltyIntents = [4]SwitchIntent{SwitchNo, SwitchUnsure, SwitchYes, ""}

// LoyaltyMatrix counts responses per NPS category and switching intent.
// It is a plain value: compare it with ==, copy it freely.
type LoyaltyMatrix struct {
	// counts[row][column], in the order of categoryOrder and loyaltyIntents.
	counts [3][4]int64
}

// LoyaltyCell is one cell of a row: its count and its share of the row.
type LoyaltyCell struct {
	Intent SwitchIntent
	Count  int64
	Share  float64
}

// LoyaltyRow is one category's row, for templates to range over.
type LoyaltyRow struct {
	Category Category
	Cells    []LoyaltyCell
	Total    int64
}

// LoyaltyColumn is one intent's column total and its share of all
// responses.
type LoyaltyColumn struct {
	Intent SwitchIntent
	Count  int64
	Share  float64
}

// NewLoyaltyMatrix builds the matrix from one score histogram per
// switching intent ("" for no answer). Other keys cannot come from stored
// answers (Answers.Validate refuses them) and are left out.
func NewLoyaltyMatrix(byIntent map[SwitchIntent]Histogram) LoyaltyMatrix {
	var m LoyaltyMatrix
	for i, intent := range loyaltyIntents {
		h := byIntent[intent]
		m.counts[0][i] = h.Promoters()
		m.counts[1][i] = h.Passives()
		m.counts[2][i] = h.Detractors()
	}
	return m
}

// categoryIndex is c's place in categoryOrder.
func categoryIndex(c Category) (int, bool) {
	for j, cat := range categoryOrder {
		if cat == c {
			return j, true
		}
	}
	return 0, false
}

func loyaltyColumn(i SwitchIntent) (int, bool) {
	for j, intent := range loyaltyIntents {
		if intent == i {
			return j, true
		}
	}
	return 0, false
}

// Count is the number of responses of category c with intent i; 0 for a
// category or intent outside the matrix.
func (m LoyaltyMatrix) Count(c Category, i SwitchIntent) int64 {
	row, ok := categoryIndex(c)
	col, ok2 := loyaltyColumn(i)
	if !ok || !ok2 {
		return 0
	}
	return m.counts[row][col]
}

// RowTotal is the number of responses of category c.
func (m LoyaltyMatrix) RowTotal(c Category) int64 {
	row, ok := categoryIndex(c)
	if !ok {
		return 0
	}
	var n int64
	for _, v := range m.counts[row] {
		n += v
	}
	return n
}

// ColumnTotal is the number of responses with intent i.
func (m LoyaltyMatrix) ColumnTotal(i SwitchIntent) int64 {
	col, ok := loyaltyColumn(i)
	if !ok {
		return 0
	}
	var n int64
	for _, row := range m.counts {
		n += row[col]
	}
	return n
}

// Total is the number of responses in the matrix.
func (m LoyaltyMatrix) Total() int64 {
	var n int64
	for _, row := range m.counts {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// RowShare is the share of category c's responses that gave intent i,
// e.g. the share of promoters who consider a competitor; 0 for an empty row.
func (m LoyaltyMatrix) RowShare(c Category, i SwitchIntent) float64 {
	return share(m.Count(c, i), m.RowTotal(c))
}

// AtRisk counts the respondents who consider a competitor (yes or
// unsure), in any category.
func (m LoyaltyMatrix) AtRisk() int64 {
	var n int64
	for _, c := range categoryOrder {
		n += m.RowAtRisk(c)
	}
	return n
}

// RowAtRisk counts the respondents of category c who consider a
// competitor.
func (m LoyaltyMatrix) RowAtRisk(c Category) int64 {
	var n int64
	for _, i := range loyaltyIntents {
		if i.Considering() {
			n += m.Count(c, i)
		}
	}
	return n
}

// LoyalPromoters counts the promoters who answered no.
func (m LoyaltyMatrix) LoyalPromoters() int64 {
	return m.Count(Promoter, SwitchNo)
}

// Rows returns the matrix row by row, promoters first.
func (m LoyaltyMatrix) Rows() []LoyaltyRow {
	rows := make([]LoyaltyRow, 0, len(categoryOrder))
	for _, c := range categoryOrder {
		r := LoyaltyRow{Category: c, Total: m.RowTotal(c), Cells: make([]LoyaltyCell, 0, len(loyaltyIntents))}
		for _, i := range loyaltyIntents {
			r.Cells = append(r.Cells, LoyaltyCell{Intent: i, Count: m.Count(c, i), Share: m.RowShare(c, i)})
		}
		rows = append(rows, r)
	}
	return rows
}

// Columns returns the column totals, each with its share of all responses.
func (m LoyaltyMatrix) Columns() []LoyaltyColumn {
	total := m.Total()
	cols := make([]LoyaltyColumn, 0, len(loyaltyIntents))
	for _, i := range loyaltyIntents {
		n := m.ColumnTotal(i)
		cols = append(cols, LoyaltyColumn{Intent: i, Count: n, Share: share(n, total)})
	}
	return cols
}
