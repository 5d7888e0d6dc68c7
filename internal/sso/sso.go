// Package sso signs users in through an OpenID Connect provider: it
// discovers the provider, writes the authorization request of the code
// flow with PKCE (S256) and a nonce, exchanges the code and verifies the
// ID token. It knows nothing of Promotor's users, sessions or cookies:
// the web package keeps a sign-in's secrets between the two halves of the
// flow and decides who may sign in.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// RequestTimeout bounds each request to the provider: discovery, its keys
// and the exchange of a code. A provider that does not answer in time
// fails the start-up or the sign-in, with its reason, rather than hang.
const RequestTimeout = 10 * time.Second

// Config names the provider and Promotor's registration there.
type Config struct {
	// Issuer is the provider's issuer URL, exactly as its discovery
	// document states it ("https://login.example.com/tenant/v2.0").
	Issuer string
	// ClientID and ClientSecret are Promotor's registration at the
	// provider; the ID token's audience must be ClientID.
	ClientID, ClientSecret string
	// RedirectURL is where the provider sends the browser back, as
	// registered there: the base URL followed by /login/oidc/callback.
	RedirectURL string
	// Name is what the sign-in button calls the provider; empty is the
	// issuer's host.
	Name string
	// EmailDomains are the domains ("example.com") whose verified emails
	// the provider is trusted to vouch for, so that a first sign-in may
	// be linked to the user with that email. At a public or multi-tenant
	// provider anyone may hold a verified email of any domain; none (the
	// default) links nobody by email.
	EmailDomains []string
	// Client makes the requests to the provider; nil is a client that
	// gives up after RequestTimeout.
	Client *http.Client
	// Now is the clock that ID tokens' expiry is checked against; nil is
	// time.Now.
	Now func() time.Time
}

// Provider is a discovered provider, ready to sign users in.
type Provider struct {
	name     string
	issuer   string
	domains  []string
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
}

// Discover checks cfg and fetches the provider's discovery document
// within ctx. An issuer that cannot be reached, answers no discovery
// document, or states another issuer URL is an error that says so.
func Discover(ctx context.Context, cfg Config) (*Provider, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: RequestTimeout}
	}
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	if err != nil {
		var mismatch *oidc.IssuerMismatchError
		if errors.As(err, &mismatch) {
			return nil, fmt.Errorf("sso: the provider at %s states the issuer %q: set the issuer to exactly that", cfg.Issuer, mismatch.Discovered)
		}
		return nil, fmt.Errorf("sso: no OpenID Connect discovery document at %s/.well-known/openid-configuration (is the issuer URL right, and reachable from this server?): %w", cfg.Issuer, err)
	}
	var meta struct {
		Methods []string `json:"code_challenge_methods_supported"`
	}
	if err := op.Claims(&meta); err != nil {
		return nil, fmt.Errorf("sso: the discovery document of %s: %w", cfg.Issuer, err)
	}
	// A provider that lists its PKCE methods and leaves S256 out would
	// ignore the challenge; one that lists none may still check it.
	if len(meta.Methods) > 0 && !slices.Contains(meta.Methods, "S256") {
		return nil, fmt.Errorf("sso: the provider at %s does not support PKCE with S256 (it lists %v)", cfg.Issuer, meta.Methods)
	}
	name := cfg.Name
	if name == "" {
		u, _ := url.Parse(cfg.Issuer) // checked by cfg.check
		name = u.Hostname()
	}
	return &Provider{
		name:    name,
		issuer:  cfg.Issuer,
		domains: normalDomains(cfg.EmailDomains),
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     op.Endpoint(),
			RedirectURL:  cfg.RedirectURL,
			Scopes:       []string{oidc.ScopeOpenID, "email"},
		},
		verifier: op.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: cfg.Now}),
		client:   client,
	}, nil
}

// check refuses a configuration that could not work, or that would send
// the client secret and codes in the clear.
func (cfg Config) check() error {
	u, err := url.Parse(cfg.Issuer)
	switch {
	case cfg.Issuer == "":
		return errors.New("no issuer URL")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return fmt.Errorf("issuer %q is not an http(s) URL", cfg.Issuer)
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return fmt.Errorf("issuer %q is not https: the client secret and the codes would cross the network in the clear", cfg.Issuer)
	case cfg.ClientID == "":
		return errors.New("no client ID")
	case cfg.ClientSecret == "":
		return errors.New("no client secret")
	}
	if r, err := url.Parse(cfg.RedirectURL); err != nil || !r.IsAbs() {
		return fmt.Errorf("redirect URL %q is not an absolute URL", cfg.RedirectURL)
	}
	for _, d := range normalDomains(cfg.EmailDomains) {
		if !emailDomain.MatchString(d) {
			return fmt.Errorf("email domain %q is not a domain like example.com", d)
		}
	}
	return nil
}

// emailDomain is the shape of a domain of EmailDomains, after
// normalDomains: labels of letters, digits and hyphens, at least two.
var emailDomain = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// normalDomains returns the domains in lower case, without spaces, a
// leading "@" or empty ones.
func normalDomains(domains []string) []string {
	var out []string
	for _, d := range domains {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}

// loopback reports whether host is this machine, where plain HTTP to a
// provider (one run for a trial or a test) crosses no network.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Name is what the sign-in button calls the provider.
func (p *Provider) Name() string { return p.name }

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

// EmailDomains are the domains, in lower case, whose verified emails
// link a first sign-in to a user (Config.EmailDomains); none when
// linking by email is off.
func (p *Provider) EmailDomains() []string { return p.domains }

// Request is one sign-in in progress: the secrets that the provider's
// answer is checked against, which the browser keeps between Start and
// Finish (and nobody else may learn).
type Request struct {
	// State ties the answer to this browser's request.
	State string
	// Nonce ties the ID token to this request.
	Nonce string
	// Verifier is the PKCE code verifier, whose S256 hash went out
	// with the request.
	Verifier string
}

// Start begins a sign-in: it returns its new secrets and the URL of the
// provider's authorization endpoint to send the browser to.
func (p *Provider) Start() (Request, string) {
	req := Request{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
	return req, p.oauth.AuthCodeURL(req.State, oidc.Nonce(req.Nonce), oauth2.S256ChallengeOption(req.Verifier))
}

// random returns 32 random bytes, URL-safe.
func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Identity is who the provider says signed in.
type Identity struct {
	// Issuer and Subject name the person for good: a provider never
	// gives a subject to someone else.
	Issuer, Subject string
	// Email is the email the provider has for them, which may change; it
	// is theirs only when EmailVerified.
	Email         string
	EmailVerified bool
}

var (
	// ErrConfig is a configuration that cannot work, refused before the
	// provider is asked.
	ErrConfig = errors.New("sso: configuration")
	// ErrExchange is the provider refusing the code, or not answering.
	ErrExchange = errors.New("sso: the provider did not exchange the code for tokens")
	// ErrToken is an ID token that is missing or fails verification: its
	// signature, issuer, audience, expiry or nonce.
	ErrToken = errors.New("sso: the ID token is not valid")
)

// Finish exchanges the code of the provider's answer to req for tokens,
// with the PKCE verifier, and returns who the ID token says signed in
// once its signature, issuer, audience (the client ID), expiry and nonce
// are verified. The error wraps ErrExchange or ErrToken, and the reason.
func (p *Provider) Finish(ctx context.Context, req Request, code string) (Identity, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, p.client)
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(req.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrExchange, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fmt.Errorf("%w: the token response has no id_token", ErrToken)
	}
	idt, err := p.verifier.Verify(oidc.ClientContext(ctx, p.client), raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrToken, err)
	}
	// An ID token without this request's nonce may be one replayed from
	// another sign-in.
	if req.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(req.Nonce)) != 1 {
		return Identity{}, fmt.Errorf("%w: the nonce is missing or not this sign-in's", ErrToken)
	}
	var claims struct {
		Email    string    `json:"email"`
		Verified claimBool `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrToken, err)
	}
	if idt.Subject == "" {
		return Identity{}, fmt.Errorf("%w: no subject", ErrToken)
	}
	return Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: claims.Email, EmailVerified: bool(claims.Verified)}, nil
}

// claimBool reads a boolean claim that some providers send as the
// string "true"; anything but true or "true" is false.
type claimBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *claimBool) UnmarshalJSON(data []byte) error {
	*b = claimBool(string(data) == "true" || string(data) == `"true"`)
	return nil
}
