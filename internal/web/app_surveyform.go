package web

import (
	"maps"
	"net/url"
	"strings"

	"github.com/promotor/promotor/internal/nps"
)

// appLanguages are the codes of the languages the survey form edits, in
// the order it shows them; their names are the messages app.lang.{code}.
// Texts in other languages (set through the API) are kept as they are.
var appLanguages = []string{"nl", "en"}

// appSurveyForm is the survey form's input, kept as typed so that a refused
// form is shown again with everything the user entered.
type appSurveyForm struct {
	Name            string
	Anonymous       bool
	DefaultLanguage string
	Retention       bool
	Permission      bool
	Texts           []appSurveyText
}

// appSurveyText is one language's part of the survey form. Its inputs are
// named like the fields of nps validation errors ("texts.nl.question"), so
// that an error is shown next to its input.
type appSurveyText struct {
	Lang       string
	Question   string
	Promoter   string
	Passive    string
	Detractor  string
	Retention  string
	Permission string
}

// Field returns the name of one of the language's inputs, as nps names the
// field: "texts.nl." + name.
func (t appSurveyText) Field(name string) string { return "texts." + t.Lang + "." + name }

// empty reports whether nothing was entered in the language: such a
// language is left out of the survey.
func (t appSurveyText) empty() bool {
	return strings.TrimSpace(t.Question+t.Promoter+t.Passive+t.Detractor+t.Retention+t.Permission) == ""
}

// appDefaultSurvey is what a new survey starts with: the standard wording
// in Dutch and English, to adjust rather than to type.
func appDefaultSurvey() nps.Survey {
	return nps.Survey{
		DefaultLanguage: "nl",
		Questions:       nps.Questions{Retention: true, Permission: true},
		Texts: map[string]nps.SurveyText{
			"nl": {
				Question: "Hoe waarschijnlijk is het dat u ons zou aanbevelen aan een vriend of collega?",
				FollowUp: nps.FollowUp{
					Promoter:  "Wat waardeert u het meest aan onze samenwerking?",
					Passive:   "Wat kunnen we doen om uw ervaring te verbeteren?",
					Detractor: "Wat moeten we verbeteren? Wat ging er mis?",
				},
				Retention:  "Overweegt u binnen 12 maanden zaken te doen met een concurrent?",
				Permission: "Mogen we contact met u opnemen over uw antwoord?",
			},
			"en": {
				Question: "How likely is it that you would recommend us to a friend or colleague?",
				FollowUp: nps.FollowUp{
					Promoter:  "What do you value most in working with us?",
					Passive:   "What could we do to improve your experience?",
					Detractor: "What should we improve? What went wrong?",
				},
				Retention:  "Are you considering doing business with a competitor within 12 months?",
				Permission: "May we contact you about your answer?",
			},
		},
	}
}

// appSurveyFormOf fills the form from a survey.
func appSurveyFormOf(s nps.Survey) appSurveyForm {
	f := appSurveyForm{
		Name:            s.Name,
		Anonymous:       s.Anonymous,
		DefaultLanguage: s.DefaultLanguage,
		Retention:       s.Questions.Retention,
		Permission:      s.Questions.Permission,
	}
	for _, lang := range appLanguages {
		t := s.Texts[lang]
		f.Texts = append(f.Texts, appSurveyText{
			Lang:     lang,
			Question: t.Question, Promoter: t.FollowUp.Promoter, Passive: t.FollowUp.Passive,
			Detractor: t.FollowUp.Detractor, Retention: t.Retention, Permission: t.Permission,
		})
	}
	return f
}

// parseAppSurveyForm reads the posted survey form. Text is trimmed of
// surrounding spaces, which a pasted question often carries.
func parseAppSurveyForm(form url.Values) appSurveyForm {
	get := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	f := appSurveyForm{
		Name:            get("name"),
		Anonymous:       form.Get("anonymous") != "",
		DefaultLanguage: get("default_language"),
		Retention:       form.Get("questions.retention") != "",
		Permission:      form.Get("questions.permission") != "",
	}
	for _, lang := range appLanguages {
		t := appSurveyText{Lang: lang}
		t.Question = get(t.Field("question"))
		t.Promoter = get(t.Field("follow_up.promoter"))
		t.Passive = get(t.Field("follow_up.passive"))
		t.Detractor = get(t.Field("follow_up.detractor"))
		t.Retention = get(t.Field("retention"))
		t.Permission = get(t.Field("permission"))
		f.Texts = append(f.Texts, t)
	}
	return f
}

// apply returns base changed by the form. What the form does not edit is
// kept: driver questions and their labels, and texts in other languages.
// A form language left entirely empty is removed from the survey.
func (f appSurveyForm) apply(base nps.Survey) nps.Survey {
	s := base
	s.Name, s.Anonymous, s.DefaultLanguage = f.Name, f.Anonymous, f.DefaultLanguage
	s.Questions.Retention, s.Questions.Permission = f.Retention, f.Permission
	s.Texts = maps.Clone(base.Texts)
	if s.Texts == nil {
		s.Texts = map[string]nps.SurveyText{}
	}
	for _, t := range f.Texts {
		if t.empty() {
			delete(s.Texts, t.Lang)
			continue
		}
		s.Texts[t.Lang] = nps.SurveyText{
			Question:   t.Question,
			FollowUp:   nps.FollowUp{Promoter: t.Promoter, Passive: t.Passive, Detractor: t.Detractor},
			Retention:  t.Retention,
			Drivers:    base.Texts[t.Lang].Drivers,
			Permission: t.Permission,
		}
	}
	return s
}
