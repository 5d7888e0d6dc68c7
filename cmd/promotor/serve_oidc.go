package main

import (
	"context"
	"errors"
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

// ssoProvider discovers the provider of the --oidc- flags, whose
// redirect URL is {base-url}/login/oidc/callback; without an issuer there
// is none (nil). The client secret comes from the file or, without one,
// from PROMOTOR_OIDC_CLIENT_SECRET.
func (f *serveFlags) ssoProvider(ctx context.Context, getenv func(string) string) (*sso.Provider, error) {
	baseURL := *f.baseURL
	if *f.oidcIssuer == "" {
		if *f.oidcClientID != "" || *f.oidcSecretFile != "" || *f.oidcName != "" || *f.oidcEmailDomains != "" {
			return nil, usageError{errors.New("serve: the --oidc- flags need --oidc-issuer")}
		}
		return nil, nil
	}
	if baseURL == "" {
		return nil, usageError{errors.New("serve: --oidc-issuer needs --base-url: the provider sends users back to {base-url}/login/oidc/callback, the address registered there")}
	}
	secret := getenv("PROMOTOR_OIDC_CLIENT_SECRET")
	if *f.oidcSecretFile != "" {
		b, err := os.ReadFile(*f.oidcSecretFile)
		if err != nil {
			return nil, usageError{fmt.Errorf("serve: --oidc-client-secret-file: %w", err)}
		}
		secret = strings.TrimSpace(string(b))
	}
	cfg := sso.Config{
		Issuer:       *f.oidcIssuer,
		ClientID:     *f.oidcClientID,
		ClientSecret: secret,
		RedirectURL:  strings.TrimSuffix(baseURL, "/") + "/login/oidc/callback",
		Name:         *f.oidcName,
		EmailDomains: strings.Split(*f.oidcEmailDomains, ","),
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
