package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

const contactSynopsis = "contact export|erase --workspace SLUG (--email E | --id N) [flags]\n\n" +
	"Answers a data subject's request about one contact:\n" +
	"  contact export   writes everything held about the contact as JSON\n" +
	"                   (schema " + store.ContactExportSchema + ", see docs/PRIVACY.md)\n" +
	"  contact erase    erases the contact's personal data for good and keeps\n" +
	"                   their scores; asks for --yes\n" +
	"Both are written to the workspace's audit log."

// runContact exports or erases one contact, with the store code the
// privacy page uses.
func runContact(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("contact", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	slug := fs.String("workspace", "", "slug of the workspace (required)")
	email := fs.String("email", "", "the contact's email")
	id := fs.Int64("id", 0, "the contact's ID")
	out := fs.String("o", "-", "export: file to write, - for standard output")
	yes := fs.Bool("yes", false, "erase: confirm that the contact's personal data is to be erased for good")
	rest, help, err := parseFlags(fs, contactSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) != 1 || (rest[0] != "export" && rest[0] != "erase") {
		return usageError{errors.New("contact: give one action: export or erase (see promotor contact -h)")}
	}
	action := rest[0]
	switch {
	case *slug == "":
		return usageError{fmt.Errorf("contact %s: --workspace is required", action)}
	case (*email == "") == (*id == 0):
		return usageError{fmt.Errorf("contact %s: give --email or --id", action)}
	case action == "erase" && !*yes:
		return usageError{errors.New("contact erase: erasing cannot be undone; add --yes to go ahead")}
	}
	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := workspaceBySlug(ctx, db, "contact", *slug)
	if err != nil {
		return err
	}
	contactID := *id
	if *email != "" {
		c, err := db.ContactByEmail(ctx, ws.ID, *email)
		if errors.Is(err, nps.ErrNotFound) {
			return usageError{fmt.Errorf("contact %s: no contact with email %s in %s", action, *email, ws.Slug)}
		}
		if err != nil {
			return err
		}
		contactID = c.ID
	}
	if action == "erase" {
		e, err := db.EraseContact(ctx, ws.ID, contactID)
		if errors.Is(err, nps.ErrNotFound) {
			return usageError{fmt.Errorf("contact erase: %w", err)}
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "erased the personal data of contact %d (%s); the scores stay\n", contactID, e)
		return err
	}
	x, err := db.ExportContact(ctx, ws.ID, contactID)
	if errors.Is(err, nps.ErrNotFound) {
		return usageError{fmt.Errorf("contact export: %w", err)}
	}
	if err != nil {
		return err
	}
	// Encoded as the web's JSON (indented, HTML escaped, a final newline),
	// so that this file and the privacy page's download are the same bytes.
	return writeOutput(*out, stdout, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(x)
	})
}
