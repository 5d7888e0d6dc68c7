package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/promotor/promotor/internal/auth"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

const userSynopsis = "user create|password [flags]\n\n" +
	"Manages the people who sign in:\n" +
	"  user create --email E --name N --workspace SLUG [--workspace-name NAME] --role ROLE\n" +
	"      creates the user, or adds an existing user to the workspace; creates\n" +
	"      the workspace when SLUG is new (then --workspace-name is required)\n" +
	"  user password --email E\n" +
	"      sets a new password and signs the user out everywhere\n\n" +
	"The password is the first line of standard input when it is not empty;\n" +
	"otherwise a strong one is generated and printed, once. Roles: owner,\n" +
	"analyst, member, viewer."

// runUser creates users and resets their passwords, so that an operator
// can let the first people in before anyone can sign in to do it.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	dsn := databaseFlag(fs, getenv)
	email := fs.String("email", "", "the user's email address, which they sign in with (required)")
	name := fs.String("name", "", "the user's name (create; required for a new user)")
	slug := fs.String("workspace", "", "slug of the workspace to add the user to (create; required)")
	wsName := fs.String("workspace-name", "", "name of the workspace, when create makes it")
	roleFlag := fs.String("role", "", "the user's role in the workspace: owner, analyst, member or viewer (create; required)")
	rest, help, err := parseFlags(fs, userSynopsis, args, stdout)
	if help || err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError{errors.New("user: missing action: create or password (see promotor user -h)")}
	}
	action := rest[0]
	if len(rest) > 1 {
		return usageError{fmt.Errorf("user %s: unexpected argument %q", action, rest[1])}
	}
	if *email == "" {
		return usageError{fmt.Errorf("user %s: --email is required", action)}
	}
	var role nps.Role
	switch action {
	case "create":
		if *slug == "" {
			return usageError{errors.New("user create: --workspace is required")}
		}
		if *roleFlag == "" {
			return usageError{errors.New("user create: --role is required: owner, analyst, member or viewer")}
		}
		if role, err = nps.ParseRole(*roleFlag); err != nil {
			return usageError{fmt.Errorf("user create: %w", err)}
		}
	case "password":
		if *name != "" || *slug != "" || *wsName != "" || *roleFlag != "" {
			return usageError{errors.New("user password: only --email (and --database) apply")}
		}
	default:
		return usageError{fmt.Errorf("user: unknown action %q: use create or password", action)}
	}

	db, err := openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if action == "password" {
		return resetPassword(ctx, db, *email, stdin, stdout)
	}
	return createUser(ctx, db, userSpec{email: *email, name: *name, slug: *slug, wsName: *wsName, role: role}, stdin, stdout)
}

// userSpec is what user create was asked for.
type userSpec struct {
	email, name, slug, wsName string
	role                      nps.Role
}

// createUser makes what is missing of the workspace, the user and the
// membership. Each step commits on its own; since an existing workspace
// or user is used as it is, running the command again after a failure
// finishes the job.
func createUser(ctx context.Context, db *store.DB, spec userSpec, stdin io.Reader, stdout io.Writer) error {
	ws, err := db.WorkspaceBySlug(ctx, spec.slug)
	switch {
	case errors.Is(err, nps.ErrNotFound):
		if spec.wsName == "" {
			return usageError{fmt.Errorf("user create: there is no workspace %q; give --workspace-name to create it", spec.slug)}
		}
		if ws, err = db.CreateWorkspace(ctx, nps.Workspace{Slug: spec.slug, Name: spec.wsName}); err != nil {
			return userError("create", err)
		}
		fmt.Fprintf(stdout, "created workspace %s (%s)\n", ws.Slug, ws.Name)
	case err != nil:
		return err
	case spec.wsName != "" && spec.wsName != ws.Name:
		return usageError{fmt.Errorf("user create: workspace %q exists already, named %q; leave out --workspace-name", ws.Slug, ws.Name)}
	}

	u, err := db.UserByEmail(ctx, spec.email)
	var generated string
	switch {
	case errors.Is(err, nps.ErrNotFound):
		if spec.name == "" {
			return usageError{errors.New("user create: --name is required for a new user")}
		}
		password, gen, err := choosePassword(stdin)
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		if u, err = db.CreateUser(ctx, nps.User{Email: spec.email, Name: spec.name, PasswordHash: hash}); err != nil {
			return userError("create", err)
		}
		generated = gen
		fmt.Fprintf(stdout, "created user %s (%s)\n", u.Email, u.Name)
	case err != nil:
		return err
	default:
		fmt.Fprintf(stdout, "user %s exists; the password is unchanged (see promotor user password)\n", u.Email)
	}

	if _, err := db.AddMember(ctx, ws.ID, u.ID, spec.role); err != nil {
		if errors.Is(err, nps.ErrConflict) {
			m, merr := db.Membership(ctx, ws.ID, u.ID)
			if merr != nil {
				return merr
			}
			return usageError{fmt.Errorf("user create: %s is a member of %s already, as %s", u.Email, ws.Slug, m.Role)}
		}
		return userError("create", err)
	}
	fmt.Fprintf(stdout, "added %s to %s as %s\n", u.Email, ws.Slug, spec.role)
	return printGenerated(stdout, generated)
}

// resetPassword sets the user's new password and ends their sessions.
func resetPassword(ctx context.Context, db *store.DB, email string, stdin io.Reader, stdout io.Writer) error {
	u, err := db.UserByEmail(ctx, email)
	if err != nil {
		return userError("password", err)
	}
	password, generated, err := choosePassword(stdin)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	if err := db.ResetPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "set the password of %s and signed them out everywhere\n", u.Email)
	return printGenerated(stdout, generated)
}

// choosePassword returns the first line of stdin as the password, checked
// against the policy, or a generated one (also returned as generated)
// when stdin is empty or a terminal: a person at a terminal gets a strong
// password rather than a prompt that would echo what they type.
func choosePassword(stdin io.Reader) (password, generated string, err error) {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			stdin = strings.NewReader("")
		}
	}
	// One byte more than a line may hold, to tell a password that is too
	// long from one that fits.
	line, err := bufio.NewReader(io.LimitReader(stdin, auth.MaxPasswordBytes+3)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", "", fmt.Errorf("read the password from standard input: %w", err)
	}
	if line == "" {
		p := auth.GeneratePassword()
		return p, p, nil
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if err := auth.ValidatePassword(line); err != nil {
		return "", "", usageError{fmt.Errorf("the password on standard input: %w", err)}
	}
	return line, "", nil
}

// printGenerated prints a generated password on a line of its own, the
// only time it is shown.
func printGenerated(stdout io.Writer, generated string) error {
	if generated == "" {
		return nil
	}
	_, err := fmt.Fprintf(stdout, "password (shown once): %s\n", generated)
	return err
}

// userError makes what the user typed wrong (an email, a slug, a name) a
// usage error, with the store's message.
func userError(action string, err error) error {
	var ve *nps.ValidationError
	if errors.As(err, &ve) || errors.Is(err, nps.ErrNotFound) || errors.Is(err, nps.ErrConflict) {
		return usageError{fmt.Errorf("user %s: %w", action, err)}
	}
	return err
}
