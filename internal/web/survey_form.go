package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/i18n"
	"github.com/promotor/promotor/internal/nps"
)

// maxCommentChars is the longest comment nps.Response accepts, in
// characters, shown to the respondent before they type too much; a test
// keeps it equal to the domain's limit.
const maxCommentChars = 10000

// answerForm is a respondent's answer as the form holds it.
type answerForm struct {
	// Score is -1 while none is chosen.
	Score   int
	Comment string
	Answers nps.Answers
}

// formOf fills the form with a stored answer.
func formOf(r nps.Response) answerForm {
	return answerForm{Score: r.Score, Comment: r.Comment, Answers: r.Answers}
}

// parseAnswerForm reads and checks a submitted form against the survey's
// questions. It returns what it could read, to show again, and the
// problems in the respondent's words; none means the answer is valid.
func parseAnswerForm(form url.Values, sv nps.Survey, m i18n.Messages) (answerForm, []string) {
	f := answerForm{Score: -1}
	var problems []string
	if v := form["score"]; len(v) == 1 {
		if n, ok := parseScore(v[0]); ok {
			f.Score = n
		}
	}
	if f.Score < 0 {
		problems = append(problems, m.T("error.score"))
	}
	// Browsers send a textarea's line breaks as CRLF: store them as LF, so
	// that a comment of the longest length the textarea allows fits.
	comment := strings.ReplaceAll(form.Get("comment"), "\r\n", "\n")
	switch {
	case !utf8.ValidString(comment):
		problems = append(problems, m.T("error.text"))
		comment = strings.ToValidUTF8(comment, "\uFFFD")
	case utf8.RuneCountInString(comment) > maxCommentChars:
		problems = append(problems, m.T("error.comment_long", "max", maxCommentChars))
	}
	f.Comment = comment

	choice := false
	pick := func(name string, allowed bool, values ...string) string {
		v := form.Get(name)
		if v == "" {
			return ""
		}
		for _, ok := range values {
			if v == ok && allowed {
				return v
			}
		}
		choice = true
		return ""
	}
	f.Answers.SwitchIntent = nps.SwitchIntent(pick("switch_intent", sv.Questions.Retention,
		string(nps.SwitchYes), string(nps.SwitchNo), string(nps.SwitchUnsure)))
	f.Answers.Permission = nps.Permission(pick("permission", sv.Questions.Permission,
		string(nps.PermissionGranted), string(nps.PermissionDenied)))
	for key, values := range form {
		name, ok := strings.CutPrefix(key, "driver.")
		if !ok {
			continue
		}
		rating, err := strconv.Atoi(values[0])
		known := false
		for _, d := range sv.Questions.Drivers {
			known = known || d == name
		}
		if !known || len(values) != 1 || err != nil || rating < nps.MinDriverRating || rating > nps.MaxDriverRating ||
			strconv.Itoa(rating) != values[0] {
			choice = true
			continue
		}
		if f.Answers.Drivers == nil {
			f.Answers.Drivers = map[string]int{}
		}
		f.Answers.Drivers[name] = rating
	}
	if choice {
		problems = append(problems, m.T("error.choice"))
	}
	if len(problems) == 0 {
		// What the checks above let through and the domain still refuses
		// (control characters in the comment) gets the same plain words.
		r := nps.Response{WaveID: 1, Score: f.Score, Comment: f.Comment, Answers: f.Answers, Channel: nps.ChannelLink}
		var ve *nps.ValidationError
		if err := r.Validate(); errors.As(err, &ve) {
			if ve.Field == "comment" {
				problems = append(problems, m.T("error.text"))
			} else {
				problems = append(problems, m.T("error.choice"))
			}
		}
	}
	return f, problems
}

// formPage is the data of survey/form.
type formPage struct {
	surveyChrome
	Action   string
	Question string
	// FollowUp is the follow-up question shown: the category's once a
	// score is known, else a neutral one; FollowUps are the category
	// wordings the script switches between.
	FollowUp   string
	FollowUps  nps.FollowUp
	Points     []scalePoint
	Comment    string
	MaxComment int
	Retention  *choiceQuestion
	Drivers    []choiceQuestion
	Permission *choiceQuestion
	Errors     []string
	Notice     string
	// AutoPost is the URL the script sends the chosen score to on a
	// one-click page, SavedText what it says when that worked.
	AutoPost, SavedText string
	Button              string
}

// scalePoint is one number of the 0–10 scale.
type scalePoint struct {
	Value   int
	Checked bool
	// DescribedBy ties the end labels to 0 and 10.
	DescribedBy string
}

// choiceQuestion is an optional question answered by one of a few
// options.
type choiceQuestion struct {
	Name, Legend, Hint, Optional string
	Options                      []choice
}

type choice struct {
	Value, Label string
	Checked      bool
}

// formPage builds the form of resp's survey in lang with f filled in.
func (s *Server) formPage(resp respondent, lang pageLang, f answerForm, notice string, problems []string) formPage {
	text := resp.survey.Text(lang.Text)
	m := lang.M
	p := formPage{
		surveyChrome: s.chrome(lang, m.T("survey.title"), url.Values{}),
		Action:       resp.base,
		Question:     text.Question,
		FollowUp:     m.T("followup.neutral"),
		FollowUps:    text.FollowUp,
		Comment:      f.Comment,
		MaxComment:   maxCommentChars,
		Errors:       problems,
		Notice:       notice,
		Button:       m.T("button.send"),
	}
	if f.Score >= 0 {
		p.FollowUp = text.FollowUp.For(nps.CategoryOf(f.Score))
		p.Button = m.T("button.save")
	}
	for n := nps.MinScore; n <= nps.MaxScore; n++ {
		pt := scalePoint{Value: n, Checked: n == f.Score}
		switch n {
		case nps.MinScore:
			pt.DescribedBy = "scale-low"
		case nps.MaxScore:
			pt.DescribedBy = "scale-high"
		}
		p.Points = append(p.Points, pt)
	}
	optional := m.T("optional")
	q := resp.survey.Questions
	if q.Retention {
		p.Retention = &choiceQuestion{Name: "switch_intent", Legend: text.Retention, Optional: optional}
		for _, o := range []nps.SwitchIntent{nps.SwitchYes, nps.SwitchNo, nps.SwitchUnsure} {
			p.Retention.Options = append(p.Retention.Options, choice{string(o), m.T("retention." + string(o)), f.Answers.SwitchIntent == o})
		}
	}
	for _, key := range q.Drivers {
		d := choiceQuestion{Name: "driver." + key, Legend: text.Drivers[key], Optional: optional,
			Hint: m.T("driver.low") + ", " + m.T("driver.high")}
		for v := nps.MinDriverRating; v <= nps.MaxDriverRating; v++ {
			d.Options = append(d.Options, choice{strconv.Itoa(v), strconv.Itoa(v), f.Answers.Drivers[key] == v})
		}
		p.Drivers = append(p.Drivers, d)
	}
	if q.Permission {
		p.Permission = &choiceQuestion{Name: "permission", Legend: text.Permission, Optional: optional}
		for _, o := range []nps.Permission{nps.PermissionGranted, nps.PermissionDenied} {
			p.Permission.Options = append(p.Permission.Options, choice{string(o), m.T("permission." + string(o)), f.Answers.Permission == o})
		}
	}
	return p
}
