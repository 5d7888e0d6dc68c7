package report

import (
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
)

// catalog is parsed once: the locale files are embedded, so it either
// always loads or never does, and a test loads it.
var catalog = sync.OnceValues(i18n.Load)

// words writes the report's texts and figures in its language.
type words struct {
	m   i18n.Messages
	num i18n.Numbers
}

func newWords(lang string) (words, error) {
	c, err := catalog()
	if err != nil {
		return words{}, err
	}
	return words{m: c.Messages(lang), num: i18n.NewNumbers(lang)}, nil
}

// T returns the report message key ("report." is implied) with its
// {name} arguments replaced.
func (w words) T(key string, args ...any) string { return w.m.T("report."+key, args...) }

// score shows an NPS as "+18", or "no responses" for an empty result.
func (w words) score(r nps.Result) string {
	if r.Empty() {
		return w.T("no_responses")
	}
	return nps.Signed(r.Rounded())
}

// interval shows an NPS's interval as the dashboard does: "+5 … +31";
// "" for an empty result.
func (w words) interval(r nps.Result) string {
	if r.Empty() {
		return ""
	}
	return span(w.signed(r.Low), w.signed(r.High))
}

// span joins the ends of an interval with no-break spaces around the
// ellipsis, so that a line never breaks inside it.
func span(low, high string) string { return low + "\u00a0…\u00a0" + high }

// signed shows points rounded to a whole number, half away from zero,
// with their sign: "+28", "-3", "0".
func (w words) signed(x float64) string { return nps.Signed(nps.RoundHalfAway(x)) }

// signed1 shows points with one decimal and their sign, for the small
// figures of theme effects: "-6.3", "+0.8", "0".
func (w words) signed1(x float64) string {
	s := w.num.Decimal(x, 1)
	if s != "0" && !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// fixed shows an intermediate value of a calculation with its places.
func (w words) fixed(x float64, places int) string { return w.num.Fixed(x, places) }

// count shows a count with the language's thousands separator.
func (w words) count(n int64) string { return w.num.Grouped(n) }

// pct shows a share as a percentage: "12.5 %".
func (w words) pct(f float64) string { return w.num.Pct(f) }

// share shows part of whole as a percentage, "—" for an empty whole.
func (w words) share(part, whole int64) string {
	if whole <= 0 {
		return "—"
	}
	return w.num.Pct(float64(part) / float64(whole))
}

// pValue shows a p-value to three decimals: "p = 0.042", "p < 0.001",
// with no-break spaces.
func (w words) pValue(p float64) string {
	if p < 0.001 {
		return "p\u00a0<\u00a0" + w.fixed(0.001, 3)
	}
	return "p\u00a0=\u00a0" + w.fixed(p, 3)
}

// confidence shows a confidence level: "95 %".
func (w words) confidence(c float64) string { return w.num.Pct(c) }

// method names an interval method.
func (w words) method(m nps.Method) string {
	if m == nps.Wald {
		return w.T("method.wald")
	}
	return w.T("method.adjusted_wald")
}

// category names a category in the singular: "promoter".
func (w words) category(c nps.Category) string { return w.T("cat." + c.String()) }

// categories names a category in the plural: "promoters".
func (w words) categories(c nps.Category) string { return w.T("cats." + c.String()) }

// date shows a day in words: "1 March 2025", "1 maart 2025"; "" for the
// zero time.
func (w words) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	return w.T("date", "day", t.Day(), "month", w.T("month."+t.Format("01")), "year", t.Year())
}

// money shows cents: "EUR 1,234,500".
func (w words) money(cents int64) string { return w.num.EUR(cents) }

// yesNo is "yes" or "no".
func (w words) yesNo(b bool) string {
	if b {
		return w.T("yes")
	}
	return w.T("no")
}

// maxText bounds a caller's text in the report: a comment may be long,
// but not without end.
const maxText = 20_000

// clean makes caller text safe to lay out in both formats: invalid UTF-8
// becomes U+FFFD, control characters are dropped (a tab or a line break
// in a one-line text becomes a space), runs of spaces shrink to one and a
// text longer than maxText runes is cut with "…". Escaping is the
// renderers' work; this only keeps stray bytes from breaking a line.
func clean(s string) string { return cleanText(s, false) }

// cleanPara is clean for a text whose line breaks mean something (a
// comment): they stay, at most two in a row.
func cleanPara(s string) string { return cleanText(s, true) }

func cleanText(s string, lines bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space, breaks, runes, cr := false, 0, 0, false
	for _, r := range s {
		if r == '\n' && cr {
			cr = false
			continue // the second half of "\r\n"
		}
		if cr = r == '\r'; cr {
			r = '\n'
		}
		switch {
		case r == '\n' && lines:
			breaks++
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || bidiControl(r):
			continue
		}
		if runes == maxText {
			b.WriteString("…")
			break
		}
		if b.Len() > 0 {
			switch {
			case breaks > 0:
				b.WriteString("\n\n"[:min(breaks, 2)])
			case space:
				b.WriteByte(' ')
			}
		}
		space, breaks = false, 0
		b.WriteRune(r)
		runes++
	}
	return b.String()
}

// bidiControl reports the explicit embeddings, overrides and isolates of
// the Unicode bidirectional algorithm: a comment's right-to-left text
// reads right without them, and with them it could reorder the text
// around it.
func bidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// plural returns the message key for n ("{n} accounts"), or key + "_one"
// for one ("1 account").
func (w words) plural(key string, n int64) string {
	if n == 1 {
		return w.T(key + "_one")
	}
	return w.T(key, "n", w.count(n))
}
