package nps

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Survey is a questionnaire: always the recommendation question (0–10) and
// an open follow-up worded per category, plus the optional questions its
// Questions choose, in every language of Texts.
type Survey struct {
	ID          int64
	WorkspaceID int64
	Name        string
	// DefaultLanguage is shown to respondents whose language the survey
	// has no texts for; Texts must hold it.
	DefaultLanguage string
	// Anonymous surveys store no identity with a response: no contact,
	// account or invitation.
	Anonymous bool
	Questions Questions
	// Texts holds the wording per language code ("nl", "en").
	Texts     map[string]SurveyText
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Questions chooses the optional questions asked after the recommendation
// question and its follow-up. Their wording is in each SurveyText.
type Questions struct {
	// Retention asks whether the respondent is considering doing business
	// with a competitor within 12 months (answered as SwitchIntent).
	Retention bool `json:"retention,omitempty"`
	// Drivers are the keys of rating questions on what drives the score
	// ("support", "price"), each rated from MinDriverRating to
	// MaxDriverRating.
	Drivers []string `json:"drivers,omitempty"`
	// Permission asks whether the company may contact the respondent about
	// the answer.
	Permission bool `json:"permission,omitempty"`
}

// SurveyText is a survey's wording in one language.
type SurveyText struct {
	// Question is the recommendation question ("How likely is it that you
	// would recommend us to a friend or colleague?").
	Question string   `json:"question"`
	FollowUp FollowUp `json:"follow_up"`
	// Retention words the switching-intent question when it is asked.
	Retention string `json:"retention,omitempty"`
	// Drivers holds the label of each driver question by its key.
	Drivers map[string]string `json:"drivers,omitempty"`
	// Permission words the may-we-contact-you question when it is asked.
	Permission string `json:"permission,omitempty"`
}

// FollowUp is the open question after the score, worded per category.
type FollowUp struct {
	Promoter  string `json:"promoter"`
	Passive   string `json:"passive"`
	Detractor string `json:"detractor"`
}

// For returns the follow-up question for category c.
func (f FollowUp) For(c Category) string {
	switch c {
	case Promoter:
		return f.Promoter
	case Passive:
		return f.Passive
	}
	return f.Detractor
}

// maxDrivers bounds the rating questions: a survey answered in seconds
// cannot ask many.
const maxDrivers = 20

var driverPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Languages returns the survey's languages in order.
func (s Survey) Languages() []string { return slices.Sorted(maps.Keys(s.Texts)) }

// Text returns the wording for language lang: the exact language, else its
// primary language ("en" for "en-GB"), else the default language.
func (s Survey) Text(lang string) SurveyText {
	if t, ok := s.Texts[lang]; ok {
		return t
	}
	if primary, _, ok := strings.Cut(lang, "-"); ok {
		if t, ok := s.Texts[primary]; ok {
			return t
		}
	}
	return s.Texts[s.DefaultLanguage]
}

// Validate reports the first problem with s's fields.
func (s Survey) Validate() error {
	if err := checkLine("name", s.Name, maxName, true); err != nil {
		return err
	}
	if err := checkLanguage("default_language", s.DefaultLanguage, true); err != nil {
		return err
	}
	if err := s.Questions.validate(); err != nil {
		return err
	}
	if _, ok := s.Texts[s.DefaultLanguage]; !ok {
		return fieldError("texts", "must include the default language %q", s.DefaultLanguage)
	}
	for _, lang := range s.Languages() {
		if err := checkLanguage("texts", lang, true); err != nil {
			return err
		}
		if err := s.Texts[lang].validate("texts."+lang, s.Questions); err != nil {
			return err
		}
	}
	return nil
}

func (q Questions) validate() error {
	if len(q.Drivers) > maxDrivers {
		return fieldError("questions.drivers", "must have at most %d driver questions, got %d", maxDrivers, len(q.Drivers))
	}
	for i, k := range q.Drivers {
		if !driverPattern.MatchString(k) {
			return fieldError("questions.drivers", "driver key %q must be 1 to 32 lower-case letters, digits or underscores, starting with a letter", k)
		}
		if slices.Contains(q.Drivers[:i], k) {
			return fieldError("questions.drivers", "driver key %q appears twice", k)
		}
	}
	return nil
}

func (t SurveyText) validate(field string, q Questions) error {
	checks := []struct {
		field, value string
		required     bool
	}{
		{".question", t.Question, true},
		{".follow_up.promoter", t.FollowUp.Promoter, true},
		{".follow_up.passive", t.FollowUp.Passive, true},
		{".follow_up.detractor", t.FollowUp.Detractor, true},
		{".retention", t.Retention, q.Retention},
		{".permission", t.Permission, q.Permission},
	}
	for _, c := range checks {
		if err := checkLine(field+c.field, c.value, maxLine, c.required); err != nil {
			return err
		}
	}
	for _, k := range q.Drivers {
		if err := checkLine(field+".drivers."+k, t.Drivers[k], maxLine, true); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(t.Drivers)) {
		if !slices.Contains(q.Drivers, k) {
			return fieldError(field+".drivers."+k, "is not one of the survey's driver questions")
		}
	}
	return nil
}

// ValidateResponse reports answers in r that this survey does not ask, and
// a language it has no texts in.
func (s Survey) ValidateResponse(r Response) error {
	if _, ok := s.Texts[r.Language]; r.Language != "" && !ok {
		return fieldError("language", "the survey has no texts in %q", r.Language)
	}
	if r.Answers.SwitchIntent != "" && !s.Questions.Retention {
		return fieldError("answers.switch_intent", "the survey does not ask the retention question")
	}
	if r.Answers.Permission != "" && !s.Questions.Permission {
		return fieldError("answers.permission", "the survey does not ask for permission to contact")
	}
	for _, k := range slices.Sorted(maps.Keys(r.Answers.Drivers)) {
		if !slices.Contains(s.Questions.Drivers, k) {
			return fieldError("answers.drivers."+k, "is not one of the survey's driver questions")
		}
	}
	return nil
}

// Wave is one measurement round of a survey ("2025", "Q3 2026"). A
// continuous survey uses rolling waves ("2026-05") so that each contact's
// latest answer counts once per period.
type Wave struct {
	ID          int64
	WorkspaceID int64
	SurveyID    int64
	Name        string
	OpensAt     time.Time
	// ClosesAt ends the wave; zero leaves it open until it is closed.
	ClosesAt time.Time
	// Population is the number of customers invited or existing, for the
	// finite population correction; 0 when unknown.
	Population int64
	CreatedAt  time.Time
}

// LatestOpened returns the index of the last of waves, in their order,
// that has opened by now: the wave the dashboard, the digest and the
// report show first. It is -1 when none has opened yet.
func LatestOpened(waves []Wave, now time.Time) int {
	i := len(waves) - 1
	for i >= 0 && waves[i].OpensAt.After(now) {
		i--
	}
	return i
}

// OpenAt reports whether the wave accepts answers and changes at time t.
func (w Wave) OpenAt(t time.Time) bool {
	return !t.Before(w.OpensAt) && (w.ClosesAt.IsZero() || t.Before(w.ClosesAt))
}

// Validate reports the first problem with w's fields.
func (w Wave) Validate() error {
	if w.SurveyID <= 0 {
		return fieldError("survey_id", "must be set")
	}
	if err := checkLine("name", w.Name, maxName, true); err != nil {
		return err
	}
	if w.OpensAt.IsZero() {
		return fieldError("opens_at", "must be set")
	}
	if !w.ClosesAt.IsZero() && !w.ClosesAt.After(w.OpensAt) {
		return fieldError("closes_at", "must be after the opening time")
	}
	if w.Population < 0 {
		return fieldError("population", "must not be negative")
	}
	return nil
}
