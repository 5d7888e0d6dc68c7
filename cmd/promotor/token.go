package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/promotor/promotor/internal/nps"
)

const tokenSynopsis = "token create|list|revoke [flags]\n\n" +
	"Manages a workspace's REST API tokens:\n" +
	"  token create --workspace SLUG --name NAME   prints the new secret, once\n" +
	"  token list --workspace SLUG                 lists the tokens, never their secrets\n" +
	"  token revoke --workspace SLUG ID            revokes a token for good"

// runToken manages API tokens from the command line, for automation set
// up by an operator before anyone signs in.
func runToken(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	slug := fs.String("workspace", "", "slug of the workspace the token is for (required)")
	name := fs.String("name", "", "what the token is for, e.g. \"CRM sync\" (create only)")
	rest, help, err := parseFlags(fs, tokenSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError{errors.New("token: missing action: create, list or revoke (see promotor token -h)")}
	}
	action, rest := rest[0], rest[1:]
	var revokeID int64
	switch action {
	case "create":
		if *name == "" {
			return usageError{errors.New("token create: --name is required")}
		}
	case "list":
	case "revoke":
		if len(rest) != 1 {
			return usageError{errors.New("token revoke: give the ID of one token (see promotor token list)")}
		}
		if revokeID, err = strconv.ParseInt(rest[0], 10, 64); err != nil || revokeID <= 0 {
			return usageError{fmt.Errorf("token revoke: %q is not a token ID", rest[0])}
		}
		rest = nil
	default:
		return usageError{fmt.Errorf("token: unknown action %q: use create, list or revoke", action)}
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("token %s: unexpected argument %q", action, rest[0])}
	}
	if *slug == "" {
		return usageError{fmt.Errorf("token %s: --workspace is required", action)}
	}
	if action != "create" && *name != "" {
		return usageError{fmt.Errorf("token %s: --name applies to create only", action)}
	}

	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := workspaceBySlug(ctx, db, "token "+action, *slug)
	if err != nil {
		return err
	}
	switch action {
	case "create":
		_, secret, err := db.CreateAPIToken(ctx, ws.ID, *name, 0)
		if err != nil {
			return tokenError(action, err)
		}
		// The secret alone on its line, so that scripts can capture it;
		// it is not stored and cannot be shown again.
		_, err = fmt.Fprintln(stdout, secret)
		return err
	case "list":
		tokens, err := db.APITokens(ctx, ws.ID)
		if err != nil {
			return err
		}
		return writeTokens(stdout, tokens)
	default:
		t, err := db.RevokeAPIToken(ctx, ws.ID, revokeID)
		if err != nil {
			return tokenError(action, err)
		}
		_, err = fmt.Fprintf(stdout, "revoked token %d %q (%s…)\n", t.ID, t.Name, t.Prefix)
		return err
	}
}

// tokenError makes what the user typed wrong (a name, an ID) a usage
// error, with the store's message.
func tokenError(action string, err error) error {
	var ve *nps.ValidationError
	if errors.As(err, &ve) || errors.Is(err, nps.ErrNotFound) {
		return usageError{fmt.Errorf("token %s: %w", action, err)}
	}
	return err
}

// writeTokens prints the tokens as a table; the prefix is all of a secret
// that can be shown.
func writeTokens(w io.Writer, tokens []nps.APIToken) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tCREATED\tLAST USED\tSTATUS")
	for _, t := range tokens {
		status := "active"
		if t.Revoked() {
			status = "revoked " + t.RevokedAt.Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix,
			t.CreatedAt.Format(time.DateTime), orNever(t.LastUsedAt), status)
	}
	return tw.Flush()
}

func orNever(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format(time.DateTime)
}
