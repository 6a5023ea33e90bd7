// Command tutor runs Tutor: the web app, and the CLI for training, evaluation and ingestion.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"tutor"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Env is what a subcommand runs with: the configuration so far and where to write.
type Env struct {
	Config Config
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// FlagSet returns a flag set for the named subcommand with every setting registered.
func (e *Env) FlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("tutor "+name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	e.Config.Flags(fs)
	return fs
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	env := &Env{Config: DefaultConfig(), Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	if err := env.Config.FromEnv(getenv); err != nil {
		fmt.Fprintln(stderr, "tutor:", tutor.ErrorMessage(err))
		return 2
	}
	name := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" {
		usage(stdout)
		return 0
	}
	cmd, ok := findCommand(name)
	if !ok {
		fmt.Fprintf(stderr, "tutor: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	if err := cmd.Run(ctx, env, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		msg := tutor.ErrorMessage(err)
		if tutor.ErrorCode(err) == tutor.EINTERNAL {
			msg = err.Error()
		}
		fmt.Fprintf(stderr, "tutor %s: %s\n", name, msg)
		if tutor.ErrorCode(err) == tutor.EINVALID {
			return 2
		}
		return 1
	}
	return 0
}
