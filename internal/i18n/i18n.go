// Package i18n holds the strings of the pages respondents and users see,
// JSON files per language in locales/, and chooses a reader's language.
// Adding a language is adding a file: every file must have every key of
// en.json, with the same {placeholders}. It knows nothing of surveys or
// HTTP; the survey texts themselves live with each survey.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// Fallback is the language whose file is complete by definition: the
// reference for the other files, and the language of the pages when no
// other fits.
const Fallback = "en"

// Catalog holds the messages of every language.
type Catalog struct {
	messages map[string]map[string]string
}

// Load parses the embedded locale files.
func Load() (*Catalog, error) { return Parse(locales) }

// Parse reads every locales/*.json file of fsys: a flat object of message
// keys to messages, named by its BCP 47 language code ("nl.json"), or by a
// part of the product and the code ("app.nl.json": the signed-in area).
// A language's files are merged; a key in two of them is an error.
func Parse(fsys fs.FS) (*Catalog, error) {
	files, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	c := &Catalog{messages: map[string]map[string]string{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".json")
		lang := name[strings.LastIndex(name, ".")+1:]
		if _, err := language.Parse(lang); err != nil {
			return nil, fmt.Errorf("i18n: %s: the file name does not end in a language code: %w", f, err)
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		all := c.messages[lang]
		if all == nil {
			all = map[string]string{}
			c.messages[lang] = all
		}
		for k, v := range m {
			if _, dup := all[k]; dup {
				return nil, fmt.Errorf("i18n: %s: key %q is also in another file of %s", f, k, lang)
			}
			all[k] = v
		}
	}
	if _, ok := c.messages[Fallback]; !ok {
		return nil, fmt.Errorf("i18n: no locales/%s.json", Fallback)
	}
	return c, nil
}

// Languages returns the codes of the languages the catalog has, in order.
func (c *Catalog) Languages() []string { return slices.Sorted(maps.Keys(c.messages)) }

// Has reports whether the catalog has a file for lang.
func (c *Catalog) Has(lang string) bool {
	_, ok := c.messages[lang]
	return ok
}

// Messages returns the messages of lang, or of Fallback when the catalog
// has no file for lang.
func (c *Catalog) Messages(lang string) Messages {
	if !c.Has(lang) {
		lang = Fallback
	}
	return Messages{Lang: lang, own: c.messages[lang], fallback: c.messages[Fallback]}
}

// placeholder matches "{name}" in a message.
var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Check reports every key a language's file lacks or has beyond the keys
// of Fallback, and every message whose placeholders differ from the
// Fallback message's, so that a test can keep the files complete.
func (c *Catalog) Check() []error {
	var errs []error
	ref := c.messages[Fallback]
	for _, lang := range c.Languages() {
		m := c.messages[lang]
		for _, key := range slices.Sorted(maps.Keys(ref)) {
			msg, ok := m[key]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: missing key %q", lang, key))
				continue
			}
			if strings.TrimSpace(msg) == "" {
				errs = append(errs, fmt.Errorf("%s: key %q is empty", lang, key))
			}
			want, got := placeholders(ref[key]), placeholders(msg)
			if !slices.Equal(want, got) {
				errs = append(errs, fmt.Errorf("%s: key %q has placeholders %v, want %v", lang, key, got, want))
			}
		}
		for _, key := range slices.Sorted(maps.Keys(m)) {
			if _, ok := ref[key]; !ok {
				errs = append(errs, fmt.Errorf("%s: key %q is not in the files of %s", lang, key, Fallback))
			}
		}
	}
	return errs
}

func placeholders(msg string) []string {
	p := placeholder.FindAllString(msg, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// Messages are one language's messages. Templates call T on it.
type Messages struct {
	// Lang is the language of the messages: a code the catalog has a file
	// for.
	Lang     string
	own      map[string]string
	fallback map[string]string
}

// T returns the message key with each {name} replaced by its value, the
// arguments being name, value pairs: T("thanks.score", "score", 8). A key
// missing from the language falls back to the Fallback message, and an
// unknown key shows as itself so that the gap is visible, not silent.
func (m Messages) T(key string, args ...any) string {
	msg, ok := m.own[key]
	if !ok {
		if msg, ok = m.fallback[key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}
