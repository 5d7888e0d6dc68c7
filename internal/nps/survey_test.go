package nps

import (
	"strings"
	"testing"
	"time"
)

func sampleSurvey() Survey {
	text := func(q string) SurveyText {
		return SurveyText{
			Question:   q,
			FollowUp:   FollowUp{Promoter: "What do you like?", Passive: "What can we improve?", Detractor: "What went wrong?"},
			Retention:  "Competitor within 12 months?",
			Drivers:    map[string]string{"support": "Support", "price": "Price"},
			Permission: "May we contact you?",
		}
	}
	return Survey{
		Name: "Relationship NPS", DefaultLanguage: "nl",
		Questions: Questions{Retention: true, Drivers: []string{"support", "price"}, Permission: true},
		Texts:     map[string]SurveyText{"nl": text("Aanbevelen?"), "en": text("Recommend?")},
	}
}

func TestSurveyValidate(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*Survey)
		wantField string
	}{
		{"ok", func(*Survey) {}, ""},
		{"minimal", func(s *Survey) {
			s.Questions = Questions{}
			s.Texts = map[string]SurveyText{"nl": {Question: "?", FollowUp: FollowUp{"a", "b", "c"}}}
		}, ""},
		{"no name", func(s *Survey) { s.Name = "" }, "name"},
		{"no default language", func(s *Survey) { s.DefaultLanguage = "" }, "default_language"},
		{"default language without texts", func(s *Survey) { s.DefaultLanguage = "de" }, "texts"},
		{"bad language key", func(s *Survey) { s.Texts["EN"] = s.Texts["en"] }, "texts"},
		{"no question", func(s *Survey) { s.Texts["en"] = SurveyText{FollowUp: s.Texts["en"].FollowUp} }, "texts.en.question"},
		{"no detractor follow-up", func(s *Survey) {
			txt := s.Texts["en"]
			txt.FollowUp.Detractor = ""
			s.Texts["en"] = txt
		}, "texts.en.follow_up.detractor"},
		{"retention asked without text", func(s *Survey) {
			txt := s.Texts["nl"]
			txt.Retention = ""
			s.Texts["nl"] = txt
		}, "texts.nl.retention"},
		{"permission asked without text", func(s *Survey) {
			txt := s.Texts["nl"]
			txt.Permission = ""
			s.Texts["nl"] = txt
		}, "texts.nl.permission"},
		{"driver without label", func(s *Survey) { s.Questions.Drivers = append(s.Questions.Drivers, "speed") }, "texts.en.drivers.speed"},
		{"label without driver", func(s *Survey) { s.Questions.Drivers = []string{"support"} }, "texts.en.drivers.price"},
		{"duplicate driver", func(s *Survey) { s.Questions.Drivers = []string{"support", "price", "support"} }, "questions.drivers"},
		{"bad driver key", func(s *Survey) { s.Questions.Drivers = []string{"Support"} }, "questions.drivers"},
		{"long question", func(s *Survey) {
			txt := s.Texts["en"]
			txt.Question = strings.Repeat("?", 501)
			s.Texts["en"] = txt
		}, "texts.en.question"},
	}
	for _, tt := range tests {
		s := sampleSurvey()
		tt.edit(&s)
		checkField(t, tt.name, s.Validate(), tt.wantField)
	}
}

func TestSurveyText(t *testing.T) {
	s := sampleSurvey()
	for lang, want := range map[string]string{"nl": "Aanbevelen?", "en": "Recommend?", "en-GB": "Recommend?", "de": "Aanbevelen?", "": "Aanbevelen?"} {
		if got := s.Text(lang).Question; got != want {
			t.Errorf("Text(%q): got %q, want %q", lang, got, want)
		}
	}
	if got := s.Languages(); strings.Join(got, ",") != "en,nl" {
		t.Errorf("Languages: got %v, want [en nl]", got)
	}
	f := s.Texts["en"].FollowUp
	for c, want := range map[Category]string{Promoter: f.Promoter, Passive: f.Passive, Detractor: f.Detractor} {
		if got := f.For(c); got != want {
			t.Errorf("FollowUp.For(%v): got %q, want %q", c, got, want)
		}
	}
}

func TestSurveyValidateResponse(t *testing.T) {
	minimal := Survey{Name: "x", DefaultLanguage: "en", Texts: map[string]SurveyText{"en": {}}}
	tests := []struct {
		name      string
		survey    Survey
		answers   Answers
		language  string
		wantField string
	}{
		{"all answered", sampleSurvey(), Answers{SwitchIntent: SwitchNo, Permission: PermissionGranted, Drivers: map[string]int{"price": 4}}, "en", ""},
		{"nothing extra", minimal, Answers{}, "", ""},
		{"language without texts", sampleSurvey(), Answers{}, "de", "language"},
		{"retention not asked", minimal, Answers{SwitchIntent: SwitchYes}, "", "answers.switch_intent"},
		{"permission not asked", minimal, Answers{Permission: PermissionDenied}, "", "answers.permission"},
		{"unknown driver", sampleSurvey(), Answers{Drivers: map[string]int{"speed": 3}}, "", "answers.drivers.speed"},
	}
	for _, tt := range tests {
		r := Response{WaveID: 1, Answers: tt.answers, Language: tt.language, Channel: ChannelLink}
		checkField(t, tt.name, tt.survey.ValidateResponse(r), tt.wantField)
	}
}

func TestWave(t *testing.T) {
	opens := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	closes := opens.AddDate(0, 1, 0)
	ok := Wave{SurveyID: 1, Name: "2025", OpensAt: opens, ClosesAt: closes, Population: 120}
	tests := []struct {
		name      string
		edit      func(*Wave)
		wantField string
	}{
		{"ok", func(*Wave) {}, ""},
		{"open-ended", func(w *Wave) { w.ClosesAt = time.Time{} }, ""},
		{"no survey", func(w *Wave) { w.SurveyID = 0 }, "survey_id"},
		{"no name", func(w *Wave) { w.Name = "" }, "name"},
		{"no opening", func(w *Wave) { w.OpensAt = time.Time{} }, "opens_at"},
		{"closes when it opens", func(w *Wave) { w.ClosesAt = opens }, "closes_at"},
		{"negative population", func(w *Wave) { w.Population = -1 }, "population"},
	}
	for _, tt := range tests {
		w := ok
		tt.edit(&w)
		checkField(t, tt.name, w.Validate(), tt.wantField)
	}
	for at, want := range map[time.Time]bool{
		opens.Add(-time.Second): false, opens: true, closes.Add(-time.Nanosecond): true, closes: false,
	} {
		if got := ok.OpenAt(at); got != want {
			t.Errorf("OpenAt(%v): got %v, want %v", at, got, want)
		}
	}
	if open := (Wave{OpensAt: opens}); !open.OpenAt(opens.AddDate(10, 0, 0)) {
		t.Errorf("OpenAt ten years on without closing time: got false, want true")
	}
}

func TestLatestOpened(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	waves := []Wave{{OpensAt: day(1)}, {OpensAt: day(10)}, {OpensAt: day(20)}}
	for now, want := range map[int]int{0: -1, 1: 0, 9: 0, 10: 1, 19: 1, 25: 2} {
		if got := LatestOpened(waves, day(now)); got != want {
			t.Errorf("LatestOpened at day %d: got %d, want %d", now, got, want)
		}
	}
	if got := LatestOpened(nil, day(1)); got != -1 {
		t.Errorf("LatestOpened of no waves: got %d, want -1", got)
	}
}
