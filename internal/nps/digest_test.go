package nps

import (
	"errors"
	"testing"
	"time"
)

func TestNextDigest(t *testing.T) {
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, time.UTC) }
	cases := []struct {
		name string
		f    DigestFrequency
		from time.Time
		want time.Time
	}{
		// 2026-05-04 is a Monday.
		{"weekly on a Sunday", DigestWeekly, at(5, 3, 12, 0), at(5, 4, 7, 0)},
		{"weekly on Monday before seven", DigestWeekly, at(5, 4, 6, 59), at(5, 4, 7, 0)},
		{"weekly on Monday at seven", DigestWeekly, at(5, 4, 7, 0), at(5, 11, 7, 0)},
		{"weekly on Monday after seven", DigestWeekly, at(5, 4, 9, 0), at(5, 11, 7, 0)},
		{"weekly on a Tuesday", DigestWeekly, at(5, 5, 0, 0), at(5, 11, 7, 0)},
		{"weekly across the year", DigestWeekly, time.Date(2026, 12, 30, 8, 0, 0, 0, time.UTC), time.Date(2027, 1, 4, 7, 0, 0, 0, time.UTC)},
		{"weekly from another zone", DigestWeekly, time.Date(2026, 5, 4, 8, 30, 0, 0, time.FixedZone("CEST", 2*3600)), at(5, 4, 7, 0)},
		{"monthly on the first before seven", DigestMonthly, at(6, 1, 6, 0), at(6, 1, 7, 0)},
		{"monthly on the first at seven", DigestMonthly, at(6, 1, 7, 0), at(7, 1, 7, 0)},
		{"monthly mid-month", DigestMonthly, at(5, 4, 9, 0), at(6, 1, 7, 0)},
		{"monthly in December", DigestMonthly, time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 7, 0, 0, 0, time.UTC)},
		{"none", DigestNone, at(5, 4, 9, 0), time.Time{}},
	}
	for _, c := range cases {
		if got := NextDigest(c.f, c.from); !got.Equal(c.want) {
			t.Errorf("%s: NextDigest(%s, %v) = %v, want %v", c.name, c.f, c.from, got, c.want)
		}
	}
}

// Every weekly time is a Monday 07:00 within a week, every monthly one a
// 1st 07:00 within a month (and a day), and always after the start.
func TestNextDigestProperty(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 24*400; i += 5 {
		from := start.Add(time.Duration(i) * time.Hour)
		w := NextDigest(DigestWeekly, from)
		if w.Weekday() != time.Monday || w.Hour() != DigestHour || w.Minute() != 0 || !w.After(from) || w.Sub(from) > 7*24*time.Hour {
			t.Fatalf("NextDigest(weekly, %v) = %v, want the first Monday 07:00 after it", from, w)
		}
		m := NextDigest(DigestMonthly, from)
		if m.Day() != 1 || m.Hour() != DigestHour || !m.After(from) || m.Sub(from) > 32*24*time.Hour {
			t.Fatalf("NextDigest(monthly, %v) = %v, want the first 1st 07:00 after it", from, m)
		}
		if p := PreviousDigest(DigestWeekly, w); !p.Equal(w.AddDate(0, 0, -7)) || NextDigest(DigestWeekly, p) != w {
			t.Fatalf("PreviousDigest(weekly, %v) = %v, want the Monday before", w, p)
		}
		if p := PreviousDigest(DigestMonthly, m); p.Day() != 1 || NextDigest(DigestMonthly, p) != m {
			t.Fatalf("PreviousDigest(monthly, %v) = %v, want the 1st before", m, p)
		}
	}
}

func TestParseDigestFrequency(t *testing.T) {
	for in, want := range map[string]DigestFrequency{"": DigestNone, "none": DigestNone, "weekly": DigestWeekly, "monthly": DigestMonthly} {
		if got, err := ParseDigestFrequency(in); got != want || err != nil {
			t.Errorf("ParseDigestFrequency(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"daily", "Weekly", " weekly", "1"} {
		var ve *ValidationError
		if _, err := ParseDigestFrequency(in); !errors.As(err, &ve) || ve.Field != "frequency" {
			t.Errorf("ParseDigestFrequency(%q): got %v, want a validation error of frequency", in, err)
		}
	}
}
