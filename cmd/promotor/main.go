// Command promotor runs the Promotor NPS platform and its analyst tools.
// main only wires: each subcommand parses its own flags and calls into the
// internal packages; tests drive everything through run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal asks to stop gracefully; a second one, while
	// serve drains, stops the process at once, as without the handler.
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "promotor:", err)
		os.Exit(exitCode(err))
	}
}

// usageError marks a problem with what the user typed or supplied (flags,
// input files): exit status 2, as for flag parse errors.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

const usage = `Promotor: Net Promoter Score feedback programmes.

Usage: promotor <command> [flags]

Commands:
  serve     run the web server (survey pages, signed-in area, API)
  migrate   apply database migrations
  backup    write a checked copy of a SQLite database, also while serve runs
  calc      compute NPS and its interval from a file of scores; compare two
  import    import accounts, contacts, revenue or historical responses from CSV or XLSX
  export    export responses, accounts or the NPS per wave as CSV or XLSX
  analyse   analyse the comments that are due now (serve does it in the background)
  report    write a wave's annual NPS report as PDF or HTML
  load-workload  load the benchmark workload (perf/WORKLOAD.md) into a workspace, in bulk
  demo      create the demo workspace (three yearly waves, -10 to +18); --serve serves it
  token     create, list and revoke a workspace's API tokens
  user      create users and workspaces; reset a password
  contact   export or erase one contact's personal data (a data subject's request)
  version   print the version

Run "promotor <command> -h" for a command's flags.
`

// run executes one invocation of the CLI; getenv reads the environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{errors.New("no command given")}
	}
	cmd, args := args[0], args[1:]
	if cmd != "serve" {
		// What an operator changes or takes at the command line is in the
		// audit log as the CLI's; serve's background work is the system's.
		ctx = store.WithActor(ctx, nps.Actor{Kind: nps.ActorCLI, Name: cliActorName(getenv)})
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, getenv, stdout)
	case "backup":
		return runBackup(ctx, args, getenv, stdout)
	case "calc":
		return runCalc(args, stdin, stdout, stderr)
	case "import":
		return runImport(ctx, args, getenv, stdin, stdout, stderr)
	case "export":
		return runExport(ctx, args, getenv, stdout)
	case "report":
		return runReport(ctx, args, getenv, stdout)
	case "analyse":
		return runAnalyse(ctx, args, getenv, stdout, stderr)
	case "load-workload":
		return runLoadWorkload(ctx, args, getenv, stdout, stderr)
	case "demo":
		return runDemo(ctx, args, getenv, stdout, stderr)
	case "token":
		return runToken(ctx, args, getenv, stdout)
	case "user":
		return runUser(ctx, args, getenv, stdin, stdout)
	case "contact":
		return runContact(ctx, args, getenv, stdout)
	case "version":
		fmt.Fprintf(stdout, "promotor %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Errorf("unknown command %q", cmd)}
}

// cliActorName names the operator in the audit log: "cli", with the
// login name the environment gives, when it gives one.
func cliActorName(getenv func(string) string) string {
	if u := getenv("USER"); u != "" {
		return "cli (" + u + ")"
	}
	return "cli"
}

// parseFlags parses a subcommand's flags, which may stand before, between
// or after its arguments, and returns the arguments. Flag errors are usage
// errors; -h prints the flags to stdout and reports help.
func parseFlags(fs *flag.FlagSet, synopsis string, args []string, stdout io.Writer) (rest []string, help bool, err error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // errors are reported once, by main
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Usage: promotor %s\n\nFlags:\n", synopsis)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil, true, nil
		}
		if err != nil {
			return nil, false, usageError{fmt.Errorf("%s: %w (see promotor %s -h)", fs.Name(), err, fs.Name())}
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, false, nil
		}
		rest, args = append(rest, args[0]), args[1:]
	}
}
