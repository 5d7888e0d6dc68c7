package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// fixture is the workspace the traffic runs against, made with the
// product's own commands and routes.
type fixture struct {
	slug     string
	wsID     int64
	owner    string // the owner's email
	password string
	tokens   []string
	surveyID int64
	waveID   int64
	// public is the token of the survey's public link.
	public string
	// accounts are the external IDs of the imported accounts.
	accounts []string
	// domain is the contacts' email domain; contacts counts them.
	domain   string
	contacts int
}

// createDatabase makes an empty database on the PostgreSQL server at
// serverURL and returns its URL and a function that drops it.
func createDatabase(ctx context.Context, serverURL string) (string, func() error, error) {
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("postgres: %w", err)
	}
	name := "promotor_soak_" + time.Now().UTC().Format("20060102150405")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("--postgres: %w", err)
	}
	u.Path = "/" + name
	drop := func() error {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	return u.String(), drop, nil
}

// setupCLI migrates the database and makes the owner, the workspace and
// the API tokens with the promotor commands.
func setupCLI(ctx context.Context, bin, dsn string, fx *fixture, tokens int) error {
	if _, err := cli(ctx, bin, "", "migrate", "--database", dsn); err != nil {
		return err
	}
	fx.password = rand.Text()
	if _, err := cli(ctx, bin, fx.password+"\n", "user", "create", "--database", dsn, "--email", fx.owner,
		"--name", "Soak Owner", "--workspace", fx.slug, "--workspace-name", "Soak test", "--role", "owner"); err != nil {
		return err
	}
	secret := regexp.MustCompile(`(?m)^pmt_\S+$`)
	for i := range tokens {
		out, err := cli(ctx, bin, "", "token", "create", "--database", dsn, "--workspace", fx.slug, "--name", "soak "+strconv.Itoa(i+1))
		if err != nil {
			return err
		}
		t := secret.FindString(out)
		if t == "" {
			return fmt.Errorf("token create printed no token: %q", out)
		}
		fx.tokens = append(fx.tokens, t)
	}
	return nil
}

// importCSV writes rows as a CSV file and imports it with promotor import.
func importCSV(ctx context.Context, bin, dsn, dir, slug, kind string, rows []string) error {
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.csv", kind, time.Now().UnixNano()))
	if err := os.WriteFile(path, []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("import file: %w", err)
	}
	_, err := cli(ctx, bin, "", "import", "--database", dsn, "--workspace", slug, "--kind", kind, path)
	return err
}

// importAccounts imports n accounts with external IDs SOAK-0001….
func importAccounts(ctx context.Context, bin, dsn, dir string, fx *fixture, n int) error {
	rows := []string{"external_id,name,region"}
	regions := []string{"north", "east", "south", "west"}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("SOAK-%04d", i)
		fx.accounts = append(fx.accounts, id)
		rows = append(rows, fmt.Sprintf("%s,Account %d,%s", id, i, regions[i%len(regions)]))
	}
	return importCSV(ctx, bin, dsn, dir, fx.slug, "accounts", rows)
}

// importContacts imports n more contacts, spread over the accounts.
func importContacts(ctx context.Context, bin, dsn, dir string, fx *fixture, n int) error {
	rows := []string{"email,name,account_external_id,language"}
	langs := []string{"en", "nl"}
	for i := fx.contacts + 1; i <= fx.contacts+n; i++ {
		rows = append(rows, fmt.Sprintf("c%d@%s,Contact %d,%s,%s", i, fx.domain, i, fx.accounts[i%len(fx.accounts)], langs[i%2]))
	}
	if err := importCSV(ctx, bin, dsn, dir, fx.slug, "contacts", rows); err != nil {
		return err
	}
	fx.contacts += n
	return nil
}

const surveyJSON = `{"name": "Soak", "default_language": "en", "questions": {"retention": true},
  "texts": {"en": {"question": "How likely is it that you would recommend us to a colleague?",
    "follow_up": {"promoter": "What do you value most?", "passive": "What would make it a 9 or 10?",
      "detractor": "What should we improve first?"},
    "retention": "Are you considering a competitor within 12 months?"}}}`

// setupAPI makes the survey and its open wave through the REST API.
func setupAPI(ctx context.Context, b *balancer, fx *fixture) error {
	var sv, wv struct{ ID int64 }
	if err := apiCreate(ctx, b, fx.tokens[0], "/api/v1/surveys", surveyJSON, &sv); err != nil {
		return err
	}
	if err := apiCreate(ctx, b, fx.tokens[0], fmt.Sprintf("/api/v1/surveys/%d/waves", sv.ID), `{"name": "Soak wave"}`, &wv); err != nil {
		return err
	}
	fx.surveyID, fx.waveID = sv.ID, wv.ID
	return nil
}

func apiCreate(ctx context.Context, b *balancer, token, path, body string, v any) error {
	res := b.do(ctx, request{typ: "setup", method: http.MethodPost, path: path, body: []byte(body),
		ctype: "application/json", header: http.Header{"Authorization": {"Bearer " + token}}, want: http.StatusCreated})
	if res.outcome != Acked {
		return fmt.Errorf("POST %s: %d %s", path, res.status, res.body)
	}
	if err := json.Unmarshal(res.body, v); err != nil {
		return fmt.Errorf("POST %s: %w", path, err)
	}
	return nil
}

// signIn signs the owner in through /login; the session cookie then
// serves both processes, which share the database and the host.
func signIn(ctx context.Context, b *balancer, fx *fixture) error {
	form := url.Values{"email": {fx.owner}, "password": {fx.password}}
	res := b.do(ctx, signedInPost("setup", "/login", form))
	if res.outcome != Acked {
		return fmt.Errorf("sign in: %d %s", res.status, res.body)
	}
	return nil
}

// publicLink reads the survey's public link from its page in the
// signed-in area, which makes it on first view.
func publicLink(ctx context.Context, b *balancer, fx *fixture) error {
	path := fmt.Sprintf("/w/%s/surveys/%d", fx.slug, fx.surveyID)
	res := b.do(ctx, request{typ: "setup", method: http.MethodGet, path: path, signedIn: true, want: http.StatusOK})
	if res.outcome != Acked {
		return fmt.Errorf("GET %s: %d", path, res.status)
	}
	m := regexp.MustCompile(`/p/([A-Za-z0-9_-]{16,})`).FindSubmatch(res.body)
	if m == nil {
		return fmt.Errorf("GET %s: no public link on the page", path)
	}
	fx.public = string(m[1])
	return nil
}

// sendForm posts the wave's send form, as an owner does, to every contact
// not yet invited, at perMinute messages a minute and without reminders.
func sendForm(ctx context.Context, b *balancer, fx *fixture, typ string, perMinute int) result {
	form := url.Values{"audience": {"all"}, "per_minute": {strconv.Itoa(perMinute)},
		"reminder_days": {"0"}, "max_reminders": {"0"}, "scheduled_at": {""}}
	return b.do(ctx, signedInPost(typ, fmt.Sprintf("/w/%s/waves/%d/sends", fx.slug, fx.waveID), form))
}

// signedInPost is a form POST of the signed-in area from the owner's
// address; it answers 303 when it did what it was asked. It carries no
// Origin or Sec-Fetch-Site, as a client that is not a browser sends it,
// which the cross-origin protection lets through.
func signedInPost(typ, path string, form url.Values) request {
	return request{typ: typ, method: http.MethodPost, path: path, body: []byte(form.Encode()),
		ctype: "application/x-www-form-urlencoded", signedIn: true, want: http.StatusSeeOther,
		header: http.Header{"X-Forwarded-For": {"192.0.2.1"}}}
}
