package mailtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// Client reads messages through Mailpit's HTTP API (v1).
type Client struct {
	// URL is Mailpit's base address, e.g. http://127.0.0.1:8025.
	URL string
	// HTTP does the requests.
	HTTP *http.Client
}

// NewClient returns a client of the Mailpit at baseURL.
func NewClient(baseURL string) *Client {
	return &Client{URL: baseURL, HTTP: &http.Client{Timeout: 10 * time.Second}}
}

// Addr is a mailbox as Mailpit reports it, the name decoded.
type Addr struct {
	Name    string
	Address string
}

// Summary is a message in a search result.
type Summary struct {
	ID        string
	MessageID string // without angle brackets
	From      Addr
	To        []Addr
	Subject   string
	Created   time.Time
	Size      int
}

// Message is one message as Mailpit parsed it.
type Message struct {
	ID        string
	MessageID string // without angle brackets
	From      Addr
	To        []Addr
	Subject   string // decoded
	Text      string
	HTML      string
	// ListUnsubscribe is Mailpit's reading of List-Unsubscribe: the
	// header as sent, its links, errors it found, and
	// List-Unsubscribe-Post.
	ListUnsubscribe struct {
		Header     string
		Links      []string
		Errors     string
		HeaderPost string
	}
	// Inline are the parts shown inside the message (an image the HTML
	// refers to by Content-ID), Attachments the others.
	Inline      []Part
	Attachments []Part
}

// Part is a file of a message as Mailpit lists it; Client.Part reads its
// bytes.
type Part struct {
	PartID      string
	FileName    string
	ContentType string
	// ContentID is the Content-ID without angle brackets.
	ContentID string
	Size      int
}

// Search returns up to limit messages matching query in Mailpit's search
// syntax (to:"a@example.com", subject:"…", header:X-Name:value), newest
// first, and how many match in all.
func (c *Client) Search(ctx context.Context, query string, limit int) ([]Summary, int, error) {
	var res struct {
		MessagesCount int `json:"messages_count"`
		Messages      []Summary
	}
	q := url.Values{"query": {query}, "limit": {strconv.Itoa(limit)}}
	if err := c.getJSON(ctx, "/api/v1/search?"+q.Encode(), &res); err != nil {
		return nil, 0, err
	}
	return res.Messages, res.MessagesCount, nil
}

// Wait polls until at least n messages match query, for up to 15 seconds
// (Mailpit stores a message shortly after accepting it), and returns the
// newest ones, at most max(n, 50); tb fails when they do not arrive.
func (c *Client) Wait(tb testing.TB, query string, n int) []Summary {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		msgs, total, err := c.Search(ctx, query, max(n, 50))
		if err == nil && total >= n {
			return msgs
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("mailtest: %d messages for %s, want %d (error %v)", total, query, n, err)
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// WaitTo is Wait for the messages to the address to.
func (c *Client) WaitTo(tb testing.TB, to string, n int) []Summary {
	tb.Helper()
	return c.Wait(tb, ToQuery(to), n)
}

// ToQuery is the search query for the messages to the address to.
func ToQuery(to string) string { return `to:"` + to + `"` }

// Message returns the message with Mailpit's id.
func (c *Client) Message(ctx context.Context, id string) (*Message, error) {
	var m Message
	if err := c.getJSON(ctx, "/api/v1/message/"+url.PathEscape(id), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Part returns the decoded bytes of the part partID of the message id.
func (c *Client) Part(ctx context.Context, id, partID string) ([]byte, error) {
	return c.get(ctx, "/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(partID))
}

// Headers returns the message's headers as sent (still encoded), keyed by
// canonical name ("Message-Id", "List-Unsubscribe-Post").
func (c *Client) Headers(ctx context.Context, id string) (http.Header, error) {
	var h http.Header
	if err := c.getJSON(ctx, "/api/v1/message/"+url.PathEscape(id)+"/headers", &h); err != nil {
		return nil, err
	}
	return h, nil
}

func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	b, err := c.get(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("mailtest: GET %s: %w", path, err)
	}
	return nil
}

func (c *Client) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+path, nil)
	if err != nil {
		return nil, fmt.Errorf("mailtest: GET %s: %w", path, err)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("mailtest: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("mailtest: GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("mailtest: GET %s: %s: %.200s", path, resp.Status, b)
	}
	return b, nil
}
