package main

import (
	"context"
	"fmt"
)

func serveCommand() command {
	return command{Name: "serve", Summary: "run the web app (the default command)", Run: serve}
}

// serve runs the web app until interrupted, then stops gracefully.
func serve(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("serve")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := NewMain(env.Config, env.Stderr)
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	fmt.Fprintf(env.Stdout, "Tutor is running at %s (workspace %s). Press Ctrl+C to stop.\n", m.URL(), m.Store.Dir())
	err := m.Wait(ctx)
	m.Log.Info("stopping")
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return err
}
