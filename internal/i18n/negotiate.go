package i18n

import "golang.org/x/text/language"

// Choose returns the language of supported that best fits the first of
// the preference lists that fits any at all, and ok false when none does.
// The lists are tried in order, so that a respondent's stored language
// beats their browser's (Accept-Language) even where the browser's first
// choice would also fit: Choose(supported, contact, accept) means "the
// contact's language, else the browser's". A regional variant fits its
// language ("nl-BE" picks "nl"), and so does a close relative the
// language matcher accepts.
func Choose(supported []string, prefs ...[]string) (lang string, ok bool) {
	tags := make([]language.Tag, 0, len(supported))
	codes := make([]string, 0, len(supported))
	for _, s := range supported {
		t, err := language.Parse(s)
		if err != nil {
			continue
		}
		tags = append(tags, t)
		codes = append(codes, s)
	}
	if len(tags) == 0 {
		return "", false
	}
	m := language.NewMatcher(tags)
	for _, list := range prefs {
		want := make([]language.Tag, 0, len(list))
		for _, p := range list {
			if t, err := language.Parse(p); err == nil {
				want = append(want, t)
			}
		}
		if len(want) == 0 {
			continue
		}
		if _, i, conf := m.Match(want...); conf != language.No {
			return codes[i], true
		}
	}
	return "", false
}

// AcceptLanguage returns the languages of an Accept-Language header, most
// preferred first; a malformed header gives none.
func AcceptLanguage(header string) []string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return nil
	}
	codes := make([]string, 0, len(tags))
	for _, t := range tags {
		codes = append(codes, t.String())
	}
	return codes
}
