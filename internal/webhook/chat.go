package webhook

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Limits of the chat formats, in UTF-16 code units as the receivers count
// them. Slack refuses a section over 3000; Teams cuts a card over about
// 28 KB, which the escaped text must leave room in.
const (
	titleMax        = 250
	slackSectionMax = 3000
	slackFallback   = 1000
	teamsTextMax    = 5000
)

// openLabel is the label of the link into Promotor.
const openLabel = "Open in Promotor"

type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// slackMessage is e as a Slack message: the top-level text is what
// notifications show; the blocks are a section with the bold title, the
// text and the link, and a context line. Everything taken from e is
// escaped, so a comment holding "<!channel>" or "<https://x|y>" shows as
// typed instead of pinging the channel or hiding a link.
func slackMessage(e Event) slackPayload {
	title := escapeLimit(eventTitle(e), slackEscape, titleMax)
	link := ""
	if ValidateURL(e.URL) == nil {
		link = "<" + slackURL(e.URL) + "|" + openLabel + ">"
	}
	section := "*" + title + "*"
	fallback := title
	if e.Text != "" {
		budget := slackSectionMax - utf16Len(section) - utf16Len(link) - 2
		section += "\n" + escapeLimit(e.Text, slackEscape, budget)
		fallback += "\n" + escapeLimit(e.Text, slackEscape, slackFallback)
	}
	if link != "" {
		section += "\n" + link
	}
	context := joinNonEmpty(" · ",
		escapeLimit(e.Workspace, slackEscape, titleMax),
		escapeLimit(e.Kind, slackEscape, titleMax),
		slackDate(e.At))
	return slackPayload{
		Text: fallback,
		Blocks: []slackBlock{
			{Type: "section", Text: &slackText{Type: "mrkdwn", Text: section}},
			{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: context}}},
		},
	}
}

// slackEscape escapes the three characters Slack gives meaning to; the
// rest of mrkdwn (*bold*, _italic_) can only style, never link or mention.
func slackEscape(r rune) string {
	switch r {
	case '&':
		return "&amp;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return ""
}

// slackURL makes u safe inside <u|label>: Slack unescapes &amp;, and <,
// > and | would end the link early, so they are percent-encoded.
func slackURL(u string) string {
	return strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C").Replace(u)
}

// slackDate shows at in the reader's own time zone, with a UTC fallback
// for clients that cannot.
func slackDate(at time.Time) string {
	return "<!date^" + strconv.FormatInt(at.Unix(), 10) + "^{date_short_pretty} {time}|" + at.UTC().Format("2006-01-02 15:04 UTC") + ">"
}

type teamsCard struct {
	Type            string         `json:"@type"`
	Context         string         `json:"@context"`
	Summary         string         `json:"summary"`
	ThemeColor      string         `json:"themeColor"`
	Title           string         `json:"title"`
	Text            string         `json:"text,omitempty"`
	Sections        []teamsSection `json:"sections"`
	PotentialAction []teamsAction  `json:"potentialAction,omitempty"`
}

type teamsSection struct {
	Facts []teamsFact `json:"facts"`
}

type teamsFact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type teamsAction struct {
	Type    string        `json:"@type"`
	Name    string        `json:"name"`
	Targets []teamsTarget `json:"targets"`
}

type teamsTarget struct {
	OS  string `json:"os"`
	URI string `json:"uri"`
}

// teamsMessage is e as a MessageCard. Teams reads every text field of a
// card as Markdown with some HTML, so everything taken from e is escaped.
func teamsMessage(e Event) teamsCard {
	title := eventTitle(e)
	c := teamsCard{
		Type:       "MessageCard",
		Context:    "https://schema.org/extensions",
		Summary:    escapeLimit(title, teamsEscape, titleMax),
		ThemeColor: themeColor(e.Kind),
		Title:      escapeLimit(title, teamsEscape, titleMax),
		Text:       escapeLimit(e.Text, teamsEscape, teamsTextMax),
	}
	var facts []teamsFact
	if e.Workspace != "" {
		facts = append(facts, teamsFact{"Workspace", escapeLimit(e.Workspace, teamsEscape, titleMax)})
	}
	facts = append(facts,
		teamsFact{"Event", escapeLimit(e.Kind, teamsEscape, titleMax)},
		teamsFact{"Time", e.At.UTC().Format("2006-01-02 15:04 UTC")})
	c.Sections = []teamsSection{{Facts: facts}}
	if ValidateURL(e.URL) == nil {
		c.PotentialAction = []teamsAction{{
			Type:    "OpenUri",
			Name:    openLabel,
			Targets: []teamsTarget{{OS: "default", URI: e.URL}},
		}}
	}
	return c
}

// teamsEscape turns every character that HTML or Teams' Markdown gives
// meaning to into a character reference, which both show as the character
// itself and neither reads as markup: no tags, links, emphasis or
// headings from a customer's comment. Newlines become paragraph breaks,
// since Markdown joins single lines.
func teamsEscape(r rune) string {
	switch r {
	case '&':
		return "&amp;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	case '"':
		return "&quot;"
	case '\'', '\\', '`', '*', '_', '[', ']', '(', ')', '#', '~', '|', '!':
		return "&#" + strconv.Itoa(int(r)) + ";"
	case '\n':
		return "\n\n"
	case '\r':
		return " "
	}
	return ""
}

// themeColor is the card's accent: red for alerts, orange for overdue
// follow-ups, purple for the plan, blue for responses and anything else.
func themeColor(kind string) string {
	switch {
	case strings.HasPrefix(kind, "alert."):
		return "D13438"
	case strings.HasPrefix(kind, "followup."):
		return "F7630C"
	case strings.HasPrefix(kind, "plan."):
		return "8764B8"
	}
	return "0078D4"
}

// eventTitle is e's title on one line, or its kind when it has none.
func eventTitle(e Event) string {
	if t := strings.Join(strings.Fields(e.Title), " "); t != "" {
		return t
	}
	return e.Kind
}

// escapeLimit escapes s rune by rune (esc returns "" to keep a rune) and
// cuts the result to at most max UTF-16 code units, ending a cut text in
// "…". It cuts between escapes, never inside one.
func escapeLimit(s string, esc func(rune) string, max int) string {
	var b strings.Builder
	cut, n := -1, 0 // cut: length of b where the text must end if it is too long
	for _, r := range s {
		piece := esc(r)
		w := utf16.RuneLen(r)
		if piece != "" {
			w = utf16Len(piece)
		}
		if cut < 0 && n+w > max-1 {
			cut = b.Len()
		}
		if n+w > max {
			if max < 1 {
				return ""
			}
			return strings.TrimRight(b.String()[:cut], " \n") + "…"
		}
		if piece != "" {
			b.WriteString(piece)
		} else {
			b.WriteRune(r)
		}
		n += w
	}
	return b.String()
}

// utf16Len is the length of s as Slack and Teams count it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
