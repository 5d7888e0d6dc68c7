package main

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/promotor/promotor/internal/send"
)

// serveFlags are all of serve's flags, each defaulting to its environment
// variable and then to a constant, registered by registerServeFlags in
// the order of the README's configuration table.
type serveFlags struct {
	database, addr, baseURL, smtp *string
	sendLease                     *time.Duration

	// Who is believed about the client's address, and who may read the
	// metrics.
	trustedProxies, metricsNetworks, metricsToken *string
	// How serve logs and stops.
	logFormat, logLevel          *string
	shutdownGrace, shutdownDelay *time.Duration

	// Single sign-on with an OpenID Connect provider (serve_oidc.go). The
	// client secret has no flag of its own, as a flag's value shows in
	// the process list: it comes from the environment or a file.
	oidcIssuer, oidcClientID, oidcSecretFile, oidcName, oidcEmailDomains *string

	// badEnv holds, by flag name, a duration variable of the environment
	// that does not parse; check reports it unless the flag was given.
	badEnv map[string]error
}

const (
	// defaultMetricsNetworks lets the machine itself scrape, as miniflux does.
	defaultMetricsNetworks = "127.0.0.1/8,::1/128"
	defaultShutdownGrace   = 30 * time.Second
)

// registerServeFlags registers serve's flags on fs.
func registerServeFlags(fs *flag.FlagSet, getenv func(string) string) *serveFlags {
	f := &serveFlags{badEnv: map[string]error{}}
	f.database = databaseFlag(fs, getenv)
	f.addr = fs.String("addr", envOr(getenv, "PROMOTOR_ADDR", defaultAddr), "address to listen on (env PROMOTOR_ADDR)")
	f.baseURL = fs.String("base-url", getenv("PROMOTOR_BASE_URL"),
		"public address of the server, for links in QR codes and emails (env PROMOTOR_BASE_URL; default: the address requests come to)")
	f.smtp = fs.String("smtp", getenv("PROMOTOR_SMTP_URL"),
		"SMTP server that sends invitations, e.g. smtp://user:pass@smtp.example.com:587?from=nps@example.com (env PROMOTOR_SMTP_URL; see docs/EMAIL.md; default: none, messages wait in the outbox)")
	f.sendLease = f.duration(fs, getenv, "send-lease", "PROMOTOR_SEND_LEASE", send.DefaultLease,
		"how long a claimed message belongs to this process before another may send it")

	f.trustedProxies = fs.String("trusted-proxies", getenv("PROMOTOR_TRUSTED_PROXIES"),
		"comma-separated networks (CIDR) of the reverse proxies in front, whose X-Forwarded-For and X-Forwarded-Proto are believed, e.g. 127.0.0.1/32,10.0.0.0/8 (env PROMOTOR_TRUSTED_PROXIES; default: none)")
	f.metricsNetworks = fs.String("metrics-allowed-networks", envOr(getenv, "PROMOTOR_METRICS_ALLOWED_NETWORKS", defaultMetricsNetworks),
		"comma-separated networks (CIDR) whose direct clients may read /metrics; empty: no one (env PROMOTOR_METRICS_ALLOWED_NETWORKS)")
	f.metricsToken = fs.String("metrics-token", getenv("PROMOTOR_METRICS_TOKEN"),
		"a secret that readers of /metrics must also send as Authorization: Bearer (env PROMOTOR_METRICS_TOKEN; default: none)")
	f.logFormat = fs.String("log-format", envOr(getenv, "PROMOTOR_LOG_FORMAT", "json"),
		"json (one object a line, for log shippers) or text (for reading at a terminal) (env PROMOTOR_LOG_FORMAT)")
	f.logLevel = fs.String("log-level", envOr(getenv, "PROMOTOR_LOG_LEVEL", "info"),
		"debug, info, warn or error (env PROMOTOR_LOG_LEVEL)")
	f.shutdownGrace = f.duration(fs, getenv, "shutdown-grace", "PROMOTOR_SHUTDOWN_GRACE", defaultShutdownGrace,
		"on SIGTERM or SIGINT, how long in-flight requests and running jobs may take to finish")
	f.shutdownDelay = f.duration(fs, getenv, "shutdown-delay", "PROMOTOR_SHUTDOWN_DELAY", 0,
		"on SIGTERM or SIGINT, how long to go on serving with /readyz answering 503 before the listener closes, for a load balancer to notice")

	f.oidcIssuer = fs.String("oidc-issuer", getenv("PROMOTOR_OIDC_ISSUER"),
		"issuer URL of an OpenID Connect provider that users may sign in with, e.g. https://login.microsoftonline.com/TENANT/v2.0 (env PROMOTOR_OIDC_ISSUER; needs --base-url; see docs/OPERATIONS.md; default: none)")
	f.oidcClientID = fs.String("oidc-client-id", getenv("PROMOTOR_OIDC_CLIENT_ID"),
		"Promotor's client ID at the provider (env PROMOTOR_OIDC_CLIENT_ID)")
	f.oidcSecretFile = fs.String("oidc-client-secret-file", getenv("PROMOTOR_OIDC_CLIENT_SECRET_FILE"),
		"file that holds the client secret (env PROMOTOR_OIDC_CLIENT_SECRET_FILE; default: the secret itself in env PROMOTOR_OIDC_CLIENT_SECRET)")
	f.oidcName = fs.String("oidc-name", getenv("PROMOTOR_OIDC_NAME"),
		`the provider's name on the sign-in button, e.g. "Microsoft Entra ID" (env PROMOTOR_OIDC_NAME; default: the issuer's host)`)
	f.oidcEmailDomains = fs.String("oidc-email-domains", getenv("PROMOTOR_OIDC_EMAIL_DOMAINS"),
		"comma-separated email domains, e.g. example.com,example.nl, whose verified emails link a user's first single sign-on to their account; list only domains the provider alone can vouch for (env PROMOTOR_OIDC_EMAIL_DOMAINS; default: none, no first sign-in is linked by email)")
	return f
}

// duration registers a duration flag defaulting to the environment
// variable env, when it is set and parses, else to def.
func (f *serveFlags) duration(fs *flag.FlagSet, getenv func(string) string, name, env string, def time.Duration, usage string) *time.Duration {
	if v := getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.badEnv[name] = fmt.Errorf("serve: %s: %q is not a duration such as 30s or 2m", env, v)
		} else {
			def = d
		}
	}
	return fs.Duration(name, def, fmt.Sprintf("%s (env %s)", usage, env))
}

// check reports, after parsing, an environment variable that does not
// parse, unless its flag was given and so wins.
func (f *serveFlags) check(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for _, name := range slices.Sorted(maps.Keys(f.badEnv)) {
		if !given[name] {
			return usageError{f.badEnv[name]}
		}
	}
	return nil
}
