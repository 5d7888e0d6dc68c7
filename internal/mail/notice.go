package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Notice is a loop email: an alert to an account owner, an escalation,
// a progress update to a customer, a thank-you to a promoter. Its texts
// come written, in the recipient's language, from the caller; the
// renderer lays them out and escapes them, since a customer's comment or
// an account's name may be any text.
type Notice struct {
	Language string
	Subject  string
	Greeting string
	// Paragraphs are the body, one paragraph each.
	Paragraphs []string
	// Quote is a customer's own words, shown set apart; may be empty.
	Quote string
	// Items are shown as a list after the quote.
	Items []string
	// ButtonURL, when set, is a link shown as a button labelled
	// ButtonLabel; it must be an absolute http(s) URL.
	ButtonURL   string
	ButtonLabel string
	Footer      string
}

// noticePage is the data of both notice templates.
type noticePage struct {
	Lang, Subject, Greeting string
	Paragraphs, Items       []string
	Quote                   string
	ButtonURL, ButtonLabel  string
	Footer                  string
}

// Notice renders n as a message with subject, text and HTML; the caller
// sets To and MessageID.
func (r *Renderer) Notice(n Notice) (*Message, error) {
	if n.ButtonURL != "" {
		if err := checkURL(n.ButtonURL); err != nil {
			return nil, fmt.Errorf("mail: notice: button: %w", err)
		}
	}
	p := noticePage{
		Lang:        r.language(n.Language),
		Subject:     oneLine(n.Subject),
		Greeting:    oneLine(n.Greeting),
		Quote:       paragraph(n.Quote),
		ButtonURL:   n.ButtonURL,
		ButtonLabel: oneLine(n.ButtonLabel),
		Footer:      oneLine(n.Footer),
	}
	if p.Subject == "" {
		return nil, fmt.Errorf("mail: notice: no subject")
	}
	for _, s := range n.Paragraphs {
		if s = paragraph(s); s != "" {
			p.Paragraphs = append(p.Paragraphs, s)
		}
	}
	for _, s := range n.Items {
		if s = oneLine(s); s != "" {
			p.Items = append(p.Items, s)
		}
	}
	var html, text bytes.Buffer
	if err := r.noticeHTML.Execute(&html, p); err != nil {
		return nil, fmt.Errorf("mail: notice HTML: %w", err)
	}
	if err := r.noticeText.Execute(&text, p); err != nil {
		return nil, fmt.Errorf("mail: notice text: %w", err)
	}
	return &Message{Subject: p.Subject, Text: text.String(), HTML: html.String()}, nil
}

// parsePair parses the HTML and text templates of one kind of email,
// templates/{name}.html and templates/{name}.txt.
func parsePair(name string) (*htmltemplate.Template, *texttemplate.Template, error) {
	h, err := htmltemplate.ParseFS(templates, "templates/"+name+".html")
	if err != nil {
		return nil, nil, fmt.Errorf("mail: templates: %w", err)
	}
	t, err := texttemplate.New(name+".txt").Funcs(texttemplate.FuncMap{"lines": func(s string) []string { return strings.Split(s, "\n") }}).
		ParseFS(templates, "templates/"+name+".txt")
	if err != nil {
		return nil, nil, fmt.Errorf("mail: templates: %w", err)
	}
	return h, t, nil
}
