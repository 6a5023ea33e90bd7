package main

import (
	"context"
	"fmt"
	"io"
)

// command is one subcommand: `tutor <Name> [flags]`.
type command struct {
	Name    string
	Summary string
	Run     func(ctx context.Context, env *Env, args []string) error
}

// commands lists every subcommand; each lives in its own file. Add one with one line here.
func commands() []command {
	return []command{
		serveCommand(),
		jobsCommand(),
		usersCommand(),
		evalCommand(),
		trainCommand(),
		exportCommand(),
		benchCommand(),
		modelsCommand(),
		pretrainCommand(),
		ingestCommand(),
	}
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.Name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Tutor teaches a private LLM your company's way of working, and compares it with looking things up.")
	fmt.Fprintln(w, "\nUsage: tutor <command> [flags]     (no command: serve)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nRun `tutor <command> -h` for its flags. Every flag can also be set in the environment:")
	for _, s := range settings() {
		def := s.Default
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  %-24s %-16s %s\n", s.Env, def, s.Usage)
	}
}
