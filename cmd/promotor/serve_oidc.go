package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/promotor/promotor/internal/sso"
)

// oidcDiscoveryTimeout bounds the discovery of the provider at start-up:
// a provider that does not answer stops serve with the reason rather
// than leave it hanging.
const oidcDiscoveryTimeout = 15 * time.Second

// oidcOptions are serve's flags of single sign-on with an OpenID Connect
// provider. The client secret has no flag of its own, as a flag's value
// shows in the process list: it comes from the environment or a file.
type oidcOptions struct {
	issuer, clientID, secretFile, name, emailDomains *string
	getenv                                           func(string) string
}

// oidcFlags registers the single sign-on flags on fs.
func oidcFlags(fs *flag.FlagSet, getenv func(string) string) oidcOptions {
	return oidcOptions{
		issuer: fs.String("oidc-issuer", getenv("PROMOTOR_OIDC_ISSUER"),
			"issuer URL of an OpenID Connect provider that users may sign in with, e.g. https://login.microsoftonline.com/TENANT/v2.0 (env PROMOTOR_OIDC_ISSUER; needs --base-url; see docs/OPERATIONS.md; default: none)"),
		clientID: fs.String("oidc-client-id", getenv("PROMOTOR_OIDC_CLIENT_ID"),
			"Promotor's client ID at the provider (env PROMOTOR_OIDC_CLIENT_ID)"),
		secretFile: fs.String("oidc-client-secret-file", getenv("PROMOTOR_OIDC_CLIENT_SECRET_FILE"),
			"file that holds the client secret (env PROMOTOR_OIDC_CLIENT_SECRET_FILE; default: the secret itself in env PROMOTOR_OIDC_CLIENT_SECRET)"),
		name: fs.String("oidc-name", getenv("PROMOTOR_OIDC_NAME"),
			`the provider's name on the sign-in button, e.g. "Microsoft Entra ID" (env PROMOTOR_OIDC_NAME; default: the issuer's host)`),
		emailDomains: fs.String("oidc-email-domains", getenv("PROMOTOR_OIDC_EMAIL_DOMAINS"),
			"comma-separated email domains, e.g. example.com,example.nl, whose verified emails link a user's first single sign-on to their account; list only domains the provider alone can vouch for (env PROMOTOR_OIDC_EMAIL_DOMAINS; default: none, no first sign-in is linked by email)"),
		getenv: getenv,
	}
}

// provider discovers the configured provider, whose redirect URL is
// {baseURL}/login/oidc/callback; without an issuer there is none (nil).
func (o oidcOptions) provider(ctx context.Context, baseURL string) (*sso.Provider, error) {
	if *o.issuer == "" {
		if *o.clientID != "" || *o.secretFile != "" || *o.name != "" || *o.emailDomains != "" {
			return nil, usageError{errors.New("serve: the --oidc- flags need --oidc-issuer")}
		}
		return nil, nil
	}
	if baseURL == "" {
		return nil, usageError{errors.New("serve: --oidc-issuer needs --base-url: the provider sends users back to {base-url}/login/oidc/callback, the address registered there")}
	}
	secret := o.getenv("PROMOTOR_OIDC_CLIENT_SECRET")
	if *o.secretFile != "" {
		b, err := os.ReadFile(*o.secretFile)
		if err != nil {
			return nil, usageError{fmt.Errorf("serve: --oidc-client-secret-file: %w", err)}
		}
		secret = strings.TrimSpace(string(b))
	}
	cfg := sso.Config{
		Issuer:       *o.issuer,
		ClientID:     *o.clientID,
		ClientSecret: secret,
		RedirectURL:  strings.TrimSuffix(baseURL, "/") + "/login/oidc/callback",
		Name:         *o.name,
		EmailDomains: strings.Split(*o.emailDomains, ","),
	}
	ctx, cancel := context.WithTimeout(ctx, oidcDiscoveryTimeout)
	defer cancel()
	p, err := sso.Discover(ctx, cfg)
	if errors.Is(err, sso.ErrConfig) {
		return nil, usageError{fmt.Errorf("serve: single sign-on: %w", err)}
	} else if err != nil {
		return nil, fmt.Errorf("serve: single sign-on: %w", err)
	}
	return p, nil
}
