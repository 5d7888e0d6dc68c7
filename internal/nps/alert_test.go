package nps

import (
	"slices"
	"testing"
	"time"
)

func TestAddWorkingDays(t *testing.T) {
	at := func(d int, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, time.UTC) }
	cases := []struct {
		name string
		from time.Time
		days int
		want time.Time
	}{
		{"monday", at(7, 9), 2, at(9, 9)},
		{"thursday", at(3, 15), 2, at(7, 15)},
		{"friday afternoon", at(4, 15), 2, at(8, 15)},
		{"saturday", at(5, 10), 2, at(8, 10)},
		{"sunday", at(6, 10), 1, at(7, 10)},
		{"zero", at(5, 10), 0, at(5, 10)},
		{"two weeks", at(7, 9), 10, at(21, 9)},
	}
	for _, c := range cases {
		if got := AddWorkingDays(c.from, c.days); !got.Equal(c.want) {
			t.Errorf("%s: AddWorkingDays(%v, %d) = %v, want %v", c.name, c.from, c.days, got, c.want)
		}
	}
}

// The deadline is never on a weekend and is as many weekdays later as
// asked.
func TestAddWorkingDaysProperty(t *testing.T) {
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 60; i++ {
		from := start.AddDate(0, 0, i)
		for days := 1; days <= 12; days++ {
			got := AddWorkingDays(from, days)
			if wd := got.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, a weekend", from, days, got)
			}
			n := 0
			for d := from.AddDate(0, 0, 1); !d.After(got); d = d.AddDate(0, 0, 1) {
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					n++
				}
			}
			if n != days {
				t.Fatalf("AddWorkingDays(%v, %d) = %v: %d weekdays later", from, days, got, n)
			}
		}
	}
}

func TestParseKeywords(t *testing.T) {
	got, err := ParseKeywords("Opzeggen\nte duur, opzeg*,\n\n  Slechte   Service ,opzeggen")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"opzeggen", "te duur", "opzeg*", "slechte service"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRuleMatch(t *testing.T) {
	prev := &Response{Score: 9}
	score := AlertRule{Kind: RuleScore, MaxScore: 6}
	drop := AlertRule{Kind: RuleDrop, MinDrop: 3}
	kw := AlertRule{Kind: RuleKeyword, Keywords: []string{"opzeg*", "te duur"}}
	cases := []struct {
		name    string
		rule    AlertRule
		r       Response
		prev    *Response
		want    bool
		keyword string
	}{
		{"detractor", score, Response{Score: 6}, nil, true, ""},
		{"passive", score, Response{Score: 7}, nil, false, ""},
		{"drop of 3", drop, Response{Score: 6}, prev, true, ""},
		{"drop of 2", drop, Response{Score: 7}, prev, false, ""},
		{"no previous", drop, Response{Score: 0}, nil, false, ""},
		{"rise", drop, Response{Score: 10}, prev, false, ""},
		{"prefix", kw, Response{Score: 8, Comment: "Wij overwegen te Opzeggen."}, nil, true, "opzeg*"},
		{"phrase", kw, Response{Score: 8, Comment: "Veel te  duur!"}, nil, true, "te duur"},
		{"part of a word", kw, Response{Score: 8, Comment: "duurzaam"}, nil, false, ""},
		{"phrase split", kw, Response{Score: 8, Comment: "te laat en duur"}, nil, false, ""},
		{"silent meets no answer", AlertRule{Kind: RuleSilent, SilentMonths: 6}, Response{Score: 0}, nil, false, ""},
	}
	for _, c := range cases {
		why, ok := c.rule.Match(c.r, c.prev)
		if ok != c.want || why.Keyword != c.keyword {
			t.Errorf("%s: got %v (%q), want %v (%q)", c.name, ok, why.Keyword, c.want, c.keyword)
		}
	}
	if why, _ := drop.Match(Response{Score: 4}, prev); why.String() != "score fell 5 points, from 9 to 4" {
		t.Errorf("drop reason: got %q", why.String())
	}
}

func TestAlertRuleValidate(t *testing.T) {
	ok := []AlertRule{
		{Name: "Detractors", Kind: RuleScore, MaxScore: 6, FollowUpDays: 2},
		{Name: "Drop", Kind: RuleDrop, MinDrop: 3},
		{Name: "Churn words", Kind: RuleKeyword, Keywords: []string{"opzeggen"}},
		{Name: "Silent key accounts", Kind: RuleSilent, SilentMonths: 12, MinRevenueCents: 5_000_000},
	}
	for _, r := range ok {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.Name, err)
		}
	}
	bad := map[string]AlertRule{
		"no name":        {Kind: RuleScore, MaxScore: 6},
		"score 10":       {Name: "x", Kind: RuleScore, MaxScore: 10},
		"drop 0":         {Name: "x", Kind: RuleDrop},
		"no keywords":    {Name: "x", Kind: RuleKeyword},
		"silent 0":       {Name: "x", Kind: RuleSilent},
		"unknown kind":   {Name: "x", Kind: "mood"},
		"deadline of 31": {Name: "x", Kind: RuleScore, MaxScore: 6, FollowUpDays: 31},
	}
	for name, r := range bad {
		if err := r.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAlertTimes(t *testing.T) {
	due := time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC)
	a := Alert{State: AlertOpen, DueAt: due}
	if a.Overdue(due) || !a.Overdue(due.Add(time.Second)) {
		t.Error("overdue only after the deadline")
	}
	a.State, a.ContactedAt = AlertContacted, due
	if !a.InTime() || a.Overdue(due.Add(time.Hour)) {
		t.Error("contacted at the deadline is in time and not overdue")
	}
	a.ContactedAt = due.Add(time.Minute)
	if a.InTime() {
		t.Error("contacted after the deadline is not in time")
	}
}
