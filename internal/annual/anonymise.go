package annual

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// redacted stands in for what anonymising takes out of a comment.
const redacted = "[…]"

var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}.\-]+\.\p{L}{2,}`)
	// phoneRE finds numbers of eight or more digits, with the spaces,
	// dashes, dots and brackets people write them with.
	phoneRE = regexp.MustCompile(`\+?\(?\d[\d\s\-.()/]{6,}\d`)
	urlRE   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`)
)

// legalForms are the words of a company name that say nothing about who
// it is, left in a comment when the name is taken out.
var legalForms = map[string]bool{
	"bv": true, "nv": true, "vof": true, "cv": true, "ltd": true, "inc": true, "gmbh": true,
	"llc": true, "plc": true, "sa": true, "ag": true, "holding": true, "groep": true, "group": true,
	"van": true, "der": true, "den": true, "de": true, "het": true, "the": true, "and": true, "en": true,
}

// Anonymise takes out of a comment what names its writer: email
// addresses, web addresses, phone numbers, and every word of the given
// names (the contact's and the account's) of three letters or more, in
// any case. What it cannot know — a colleague named in passing — stays,
// which is why an analyst chooses the verbatims and reads them.
func Anonymise(comment string, names ...string) string {
	s := urlRE.ReplaceAllString(comment, redacted)
	s = emailRE.ReplaceAllString(s, redacted)
	s = phoneRE.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if unicode.IsDigit(r) {
				digits++
			}
		}
		if digits < 8 {
			return m // a year, an amount, a date
		}
		return redacted
	})
	words := map[string]bool{}
	for _, name := range names {
		for _, w := range strings.FieldsFunc(name, notWordRune) {
			if f := strings.ToLower(w); utf8.RuneCountInString(f) >= 3 && !legalForms[f] {
				words[f] = true
			}
		}
	}
	if len(words) == 0 {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexFunc(s, notWordRune)
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			if w := s[:i]; words[strings.ToLower(w)] {
				b.WriteString(redacted)
			} else {
				b.WriteString(w)
			}
			s = s[i:]
			continue
		}
		r, size := utf8.DecodeRuneInString(s)
		b.WriteRune(r)
		s = s[size:]
	}
	return b.String()
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
