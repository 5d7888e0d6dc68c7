// Package ssotest runs an OpenID Connect provider in the test process, for
// tests of single sign-on: discovery and keys (go-oidc's oidctest), an
// authorization endpoint that signs in whoever the test names, and a
// token endpoint that checks the client, the redirect URL, the code and
// PKCE as a real provider does, then issues an ID token signed with its
// key, which a test may spoil (another audience, an expired token, no
// nonce) to see it refused.
package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/promotor/promotor/internal/sso"
)

// The client Promotor is registered as.
const (
	ClientID     = "promotor-test"
	ClientSecret = "s3cret/with+odd&chars"
)

const keyID = "test-key"

// Login is the provider's answer to the next authorization request.
type Login struct {
	// Subject, Email and EmailVerified are who signed in at the provider.
	Subject       string
	Email         string
	EmailVerified bool
	// Error, when set, is the OAuth error code (access_denied) that the
	// provider sends back instead of a code.
	Error string
	// Claims, when set, changes the ID token's claims before it is
	// signed.
	Claims func(claims map[string]any)
}

// Provider is the running test provider.
type Provider struct {
	// URL is the issuer URL.
	URL string

	key      *rsa.PrivateKey
	now      func() time.Time
	redirect string

	mu    sync.Mutex
	next  Login
	codes map[string]grant
	// Exchanges counts the token requests that issued tokens.
	exchanges int
}

// grant is an authorization code and what it was issued for.
type grant struct {
	login     Login
	nonce     string
	challenge string
}

// New starts a provider whose clock is now (the clock of the ID tokens'
// times) and that sends browsers back to redirectURL only. It stops when
// the test ends.
func New(tb testing.TB, now func() time.Time, redirectURL string) *Provider {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	p := &Provider{key: key, now: now, redirect: redirectURL, codes: map[string]grant{}}
	keys := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: keyID, Algorithm: "RS256"}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.Handle("/", keys)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	p.URL = srv.URL
	keys.SetIssuer(srv.URL)
	return p
}

// Config is the configuration of Promotor's client of the provider.
func (p *Provider) Config(name string) sso.Config {
	return sso.Config{Issuer: p.URL, ClientID: ClientID, ClientSecret: ClientSecret, RedirectURL: p.redirect, Name: name, Now: p.now}
}

// Next sets the answer to the next authorization requests.
func (p *Provider) Next(l Login) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = l
}

// Exchanges returns how many codes were exchanged for tokens.
func (p *Provider) Exchanges() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exchanges
}

// authorize answers the authorization request of the code flow with PKCE
// at once, as if the user had signed in as the test's Login.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// A redirect URL that is not the registered one gets no redirect, as
	// at a real provider: it could be an attacker's.
	if q.Get("client_id") != ClientID || q.Get("redirect_uri") != p.redirect {
		http.Error(w, "unknown client or redirect_uri", http.StatusBadRequest)
		return
	}
	back, _ := url.Parse(p.redirect)
	answer := url.Values{"state": {q.Get("state")}}
	p.mu.Lock()
	login := p.next
	switch {
	case q.Get("response_type") != "code" || !strings.Contains(" "+q.Get("scope")+" ", " openid "):
		answer.Set("error", "unsupported_response_type")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		answer.Set("error", "invalid_request")
		answer.Set("error_description", "PKCE with S256 is required")
	case login.Error != "":
		answer.Set("error", login.Error)
	default:
		code := rand.Text()
		p.codes[code] = grant{login: login, nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
		answer.Set("code", code)
	}
	p.mu.Unlock()
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code for an ID token, once, for the client that
// proves its secret and the verifier whose S256 hash came with the
// authorization request.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		// RFC 6749 2.3.1: the client's credentials are form-encoded
		// before they go into the header.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != ClientID || secret != ClientSecret {
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	p.mu.Lock()
	code := r.PostForm.Get("code")
	g, ok := p.codes[code]
	delete(p.codes, code)
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != p.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	now := p.now()
	claims := map[string]any{
		"iss": p.URL, "sub": g.login.Subject, "aud": ClientID,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"email": g.login.Email, "email_verified": g.login.EmailVerified,
	}
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if g.login.Claims != nil {
		g.login.Claims(claims)
	}
	b, err := json.Marshal(claims)
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error")
		return
	}
	p.mu.Lock()
	p.exchanges++
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300,
		"id_token": oidctest.SignIDToken(p.key, keyID, "RS256", string(b)),
	})
}

// tokenError answers a token request with an OAuth error.
func tokenError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}
