package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/sso/ssotest"
)

// serve configured from the environment signs a user in at the provider,
// the secret read from a file or the environment and never logged.
func TestServeOIDC(t *testing.T) {
	for _, from := range []string{"env", "file"} {
		t.Run(from, func(t *testing.T) {
			addr := freeAddr(t)
			base := "http://" + addr
			dsn := filepath.Join(t.TempDir(), "sso.db")
			if _, errOut, code := runCLI(t, "", "migrate", "--database", dsn); code != 0 {
				t.Fatalf("migrate: exit %d, %s", code, errOut)
			}
			if _, errOut, code := runCLI(t, "a long enough password\n", "user", "create", "--database", dsn, "--email", "anna@example.com",
				"--name", "Anna", "--workspace", "acme", "--workspace-name", "Acme", "--role", "owner"); code != 0 {
				t.Fatalf("user create: exit %d, %s", code, errOut)
			}
			op := ssotest.New(t, time.Now, base+"/login/oidc/callback")
			op.Next(ssotest.Login{Subject: "anna-1", Email: "anna@example.com", EmailVerified: true})
			env := map[string]string{
				"PROMOTOR_ADDR": addr, "PROMOTOR_DATABASE": dsn, "PROMOTOR_BASE_URL": base,
				"PROMOTOR_OIDC_ISSUER": op.URL, "PROMOTOR_OIDC_CLIENT_ID": ssotest.ClientID, "PROMOTOR_OIDC_NAME": "Test ID",
				"PROMOTOR_OIDC_EMAIL_DOMAINS": "example.nl, Example.com",
			}
			if from == "env" {
				env["PROMOTOR_OIDC_CLIENT_SECRET"] = ssotest.ClientSecret
			} else {
				env["PROMOTOR_OIDC_CLIENT_SECRET_FILE"] = writeFile(t, "secret", ssotest.ClientSecret+"\n")
			}
			ctx, cancel := context.WithCancel(context.Background())
			var logs bytes.Buffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, nil, &logs, &logs)
			}()
			status := statusWhenUp(base+"/readyz", 10*time.Second)
			var login, landed string
			if status == http.StatusOK {
				jar, _ := cookiejar.New(nil)
				b := &http.Client{Jar: jar}
				login = getBody(t, b, base+"/login")
				landed = getBody(t, b, base+"/login/oidc?next=%2Fw%2Facme%2Fsurveys")
			}
			cancel()
			if err := <-done; err != nil || status != http.StatusOK {
				t.Fatalf("serve: %v, /readyz %d\n%s", err, status, logs.String())
			}
			if !strings.Contains(login, "Sign in with Test ID") {
				t.Errorf("sign-in page: no button\n%s", login)
			}
			if !strings.Contains(landed, "anna@example.com") || !strings.Contains(landed, "Surveys") {
				t.Errorf("after single sign-on: want the surveys page of Anna\n%s", landed)
			}
			if !strings.Contains(logs.String(), "single sign-on") || strings.Contains(logs.String(), ssotest.ClientSecret) {
				t.Errorf("serve log: want the single sign-on line, without the secret:\n%s", logs.String())
			}
		})
	}
}

func getBody(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A configuration that cannot work stops serve at start-up, before it
// listens, with what is wrong.
func TestServeOIDCFails(t *testing.T) {
	op := ssotest.New(t, time.Now, "http://localhost/login/oidc/callback")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	good := map[string]string{
		"PROMOTOR_BASE_URL": "http://localhost", "PROMOTOR_OIDC_ISSUER": op.URL,
		"PROMOTOR_OIDC_CLIENT_ID": ssotest.ClientID, "PROMOTOR_OIDC_CLIENT_SECRET": ssotest.ClientSecret,
	}
	for _, c := range []struct {
		name   string
		change map[string]string
		args   []string
		code   int
		want   string
	}{
		{"no base URL", map[string]string{"PROMOTOR_BASE_URL": ""}, nil, 2, "needs --base-url"},
		{"no secret", map[string]string{"PROMOTOR_OIDC_CLIENT_SECRET": ""}, nil, 2, "no client secret"},
		{"no client ID", map[string]string{"PROMOTOR_OIDC_CLIENT_ID": ""}, nil, 2, "no client ID"},
		{"no secret file", nil, []string{"--oidc-client-secret-file", filepath.Join(t.TempDir(), "absent")}, 2, "--oidc-client-secret-file"},
		{"a client ID without issuer", map[string]string{"PROMOTOR_OIDC_ISSUER": ""}, nil, 2, "need --oidc-issuer"},
		{"email domains without issuer", map[string]string{"PROMOTOR_OIDC_ISSUER": "", "PROMOTOR_OIDC_CLIENT_ID": "", "PROMOTOR_OIDC_CLIENT_SECRET": ""},
			[]string{"--oidc-email-domains", "example.com"}, 2, "need --oidc-issuer"},
		{"an email for a domain", nil, []string{"--oidc-email-domains", "anna@example.com"}, 2, `email domain "anna@example.com" is not a domain`},
		{"unreachable issuer", map[string]string{"PROMOTOR_OIDC_ISSUER": down}, nil, 1, "reachable from this server"},
		{"another issuer", map[string]string{"PROMOTOR_OIDC_ISSUER": op.URL + "/"}, nil, 1, "set the issuer to exactly"},
	} {
		env := map[string]string{"PROMOTOR_DATABASE": filepath.Join(t.TempDir(), "x.db"), "PROMOTOR_ADDR": freeAddr(t)}
		for k, v := range good {
			env[k] = v
		}
		for k, v := range c.change {
			env[k] = v
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var logs bytes.Buffer
		err := run(ctx, append([]string{"serve"}, c.args...), func(k string) string { return env[k] }, nil, &logs, &logs)
		cancel()
		if err == nil || exitCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v (exit %d), want exit %d with %q", c.name, err, exitCode(err), c.code, c.want)
		}
		if strings.Contains(logs.String(), "serving") {
			t.Errorf("%s: serve listened, want it stopped at start-up", c.name)
		}
	}
}
