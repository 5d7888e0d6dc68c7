package sso_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/sso"
	"github.com/promotor/promotor/internal/sso/ssotest"
)

const redirect = "https://nps.example.com/login/oidc/callback"

var t0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

// authorize sends the browser's first half of the flow to the provider
// and returns the code it sends back.
func authorize(t *testing.T, authURL, state string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), redirect+"?") {
		t.Fatalf("authorize: got %d %q, want a redirect to %s", resp.StatusCode, resp.Header.Get("Location"), redirect)
	}
	if got := loc.Query().Get("state"); got != state {
		t.Fatalf("authorize: state %q back, want %q", got, state)
	}
	return loc.Query().Get("code")
}

func TestFinish(t *testing.T) {
	op := ssotest.New(t, clock, redirect)
	ctx := context.Background()
	p, err := sso.Discover(ctx, op.Config("Test ID"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "Test ID" || p.Issuer() != op.URL {
		t.Errorf("Discover: got name %q issuer %q, want Test ID and %s", p.Name(), p.Issuer(), op.URL)
	}

	req, authURL := p.Start()
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("nonce") != req.Nonce || q.Get("state") != req.State ||
		q.Get("redirect_uri") != redirect || q.Get("code_verifier") != "" || q.Get("client_secret") != "" {
		t.Errorf("Start: authorization URL %s, want S256, the nonce, the state and the redirect URL, and no secret", authURL)
	}
	if other, _ := p.Start(); other.State == req.State || other.Nonce == req.Nonce || other.Verifier == req.Verifier {
		t.Error("Start twice: got the same secrets, want new ones")
	}

	op.Next(ssotest.Login{Subject: "s-1", Email: "anna@example.com", EmailVerified: true})
	id, err := p.Finish(ctx, req, authorize(t, authURL, req.State))
	want := sso.Identity{Issuer: op.URL, Subject: "s-1", Email: "anna@example.com", EmailVerified: true}
	if err != nil || id != want {
		t.Fatalf("Finish: got %+v, %v, want %+v", id, err, want)
	}

	for _, c := range []struct {
		name   string
		login  ssotest.Login
		change func(*sso.Request)
		want   error
	}{
		{"wrong audience", ssotest.Login{Subject: "s-1", Claims: func(c map[string]any) { c["aud"] = "another-client" }}, nil, sso.ErrToken},
		{"expired", ssotest.Login{Subject: "s-1", Claims: func(c map[string]any) { c["exp"] = t0.Add(-time.Minute).Unix() }}, nil, sso.ErrToken},
		{"another issuer", ssotest.Login{Subject: "s-1", Claims: func(c map[string]any) { c["iss"] = "https://evil.example" }}, nil, sso.ErrToken},
		{"no nonce", ssotest.Login{Subject: "s-1", Claims: func(c map[string]any) { delete(c, "nonce") }}, nil, sso.ErrToken},
		{"another nonce", ssotest.Login{Subject: "s-1", Claims: func(c map[string]any) { c["nonce"] = "replayed" }}, nil, sso.ErrToken},
		{"no subject", ssotest.Login{}, nil, sso.ErrToken},
		{"wrong verifier", ssotest.Login{Subject: "s-1"}, func(r *sso.Request) { r.Verifier += "x" }, sso.ErrExchange},
	} {
		req, authURL := p.Start()
		op.Next(c.login)
		code := authorize(t, authURL, req.State)
		if c.change != nil {
			c.change(&req)
		}
		id, err := p.Finish(ctx, req, code)
		if !errors.Is(err, c.want) {
			t.Errorf("Finish, %s: got %+v, %v, want %v", c.name, id, err, c.want)
		}
	}

	// A code is good once.
	req, authURL = p.Start()
	op.Next(ssotest.Login{Subject: "s-1"})
	code := authorize(t, authURL, req.State)
	if _, err := p.Finish(ctx, req, code); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Finish(ctx, req, code); !errors.Is(err, sso.ErrExchange) {
		t.Errorf("Finish with a used code: got %v, want ErrExchange", err)
	}
}

func TestEmailVerifiedAsString(t *testing.T) {
	op := ssotest.New(t, clock, redirect)
	p, err := sso.Discover(context.Background(), op.Config(""))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "127.0.0.1" {
		t.Errorf("Name without one configured: got %q, want the issuer's host", p.Name())
	}
	for _, c := range []struct {
		verified any
		want     bool
	}{{"true", true}, {"false", false}, {true, true}, {false, false}, {1, false}, {nil, false}} {
		req, authURL := p.Start()
		op.Next(ssotest.Login{Subject: "s-1", Email: "a@example.com", Claims: func(m map[string]any) { m["email_verified"] = c.verified }})
		id, err := p.Finish(context.Background(), req, authorize(t, authURL, req.State))
		if err != nil || id.EmailVerified != c.want {
			t.Errorf("email_verified %#v: got %v, %v, want %v", c.verified, id.EmailVerified, err, c.want)
		}
	}
}

// The email domains come out as the operator means them: lower case,
// without spaces, a leading @ or empty entries.
func TestEmailDomains(t *testing.T) {
	op := ssotest.New(t, clock, redirect)
	cfg := op.Config("")
	cfg.EmailDomains = []string{" Example.COM", "@acme.example", ""}
	p, err := sso.Discover(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.EmailDomains(); !slices.Equal(got, []string{"example.com", "acme.example"}) {
		t.Errorf("EmailDomains: got %q", got)
	}
	if p, err = sso.Discover(context.Background(), op.Config("")); err != nil || p.EmailDomains() != nil {
		t.Errorf("no domains: got %q, %v; want none", p.EmailDomains(), err)
	}
}

func TestDiscoverFails(t *testing.T) {
	op := ssotest.New(t, clock, redirect)
	good := op.Config("")
	// A listener that is closed at once: nothing answers there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	notOIDC := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notOIDC.Close)
	for _, c := range []struct {
		name string
		cfg  func(*sso.Config)
		want string
	}{
		{"no issuer", func(c *sso.Config) { c.Issuer = "" }, "no issuer URL"},
		{"not a URL", func(c *sso.Config) { c.Issuer = "login.example.com" }, "not an http(s) URL"},
		{"plain http elsewhere", func(c *sso.Config) { c.Issuer = "http://login.example.com" }, "not https"},
		{"no client ID", func(c *sso.Config) { c.ClientID = "" }, "no client ID"},
		{"no secret", func(c *sso.Config) { c.ClientSecret = "" }, "no client secret"},
		{"relative redirect", func(c *sso.Config) { c.RedirectURL = "/login/oidc/callback" }, "not an absolute URL"},
		{"an email, not a domain", func(c *sso.Config) { c.EmailDomains = []string{"example.com", "anna@example.com"} }, `email domain "anna@example.com" is not a domain`},
		{"a single label", func(c *sso.Config) { c.EmailDomains = []string{"com"} }, `email domain "com" is not a domain`},
		{"unreachable", func(c *sso.Config) { c.Issuer = down }, "reachable from this server"},
		{"no discovery document", func(c *sso.Config) { c.Issuer = notOIDC.URL }, "no OpenID Connect discovery document"},
		{"issuer with a slash", func(c *sso.Config) { c.Issuer += "/" }, `states the issuer "` + op.URL + `"`},
	} {
		cfg := good
		c.cfg(&cfg)
		if _, err := sso.Discover(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Discover, %s: got %v, want an error with %q", c.name, err, c.want)
		}
	}

	// A provider that does not answer in time fails within the deadline.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(slow.Close)
	cfg := good
	cfg.Issuer = slow.URL
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := sso.Discover(ctx, cfg); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("Discover of a provider that does not answer: got %v after %v, want an error within the deadline", err, time.Since(start))
	}
}
