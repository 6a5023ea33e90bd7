package main

import (
	"context"
	"fmt"

	"tutor/store"
)

// runJob runs one job in this process with a progress bar on stdout: it opens the workspace,
// starts the runner (which fails if a server is running jobs there), submits the job, follows
// it to the end and stops. Subcommands such as train and eval use it.
func runJob(ctx context.Context, env *Env, kind, title string, params any) (*store.Job, error) {
	return runJobAfter(ctx, env, nil, kind, title, params)
}

// runJobAfter is runJob that first calls before, when not nil, with the workspace open and
// its runner started: the one Main that may run jobs there, e.g. to index the documents the
// job needs.
func runJobAfter(ctx context.Context, env *Env, before func(context.Context, *Main) error, kind, title string, params any) (*store.Job, error) {
	m := NewMain(env.Config, env.Stderr)
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return nil, err
	}
	if err := m.Jobs.Start(ctx); err != nil {
		return nil, err
	}
	if before != nil {
		if err := before(ctx, m); err != nil {
			return nil, err
		}
	}
	j, err := m.Jobs.Submit(ctx, kind, title, params, "cli")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(env.Stdout, "job %d (%s) queued\n", j.ID, kind)
	return m.Jobs.Follow(ctx, j.ID, env.Stdout)
}
