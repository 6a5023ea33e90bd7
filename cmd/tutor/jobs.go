package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"tutor"
	"tutor/internal/jobs"
	"tutor/store"
)

func jobsCommand() command {
	return command{Name: "jobs", Summary: "list jobs, show one, follow one with a progress bar, or run the self-test job", Run: jobsRun}
}

// jobsRun handles `tutor jobs [list | show ID | follow ID | demo]`.
func jobsRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("jobs")
	steps := fs.Int("steps", 20, "demo: number of steps")
	stepMS := fs.Int("step-ms", 200, "demo: milliseconds per step")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor jobs [flags] [list | show ID | follow ID | demo]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	verb, rest := "list", fs.Args()
	if len(rest) > 0 {
		verb, rest = rest[0], rest[1:]
	}
	if verb == "demo" {
		_, err := runJob(ctx, env, jobs.DemoKind, "Self-test", jobs.DemoParams{Steps: *steps, StepMS: *stepMS})
		return err
	}
	s, err := store.Open(ctx, env.Config.Data)
	if err != nil {
		return err
	}
	defer s.Close()
	switch verb {
	case "list":
		return jobsList(ctx, env, s)
	case "show", "follow":
		if len(rest) != 1 {
			return tutor.Errorf(tutor.EINVALID, "%s needs one job number", verb)
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return tutor.Errorf(tutor.EINVALID, "job number %q is not a number", rest[0])
		}
		if verb == "follow" {
			_, err = jobs.Watch(ctx, s, id, env.Stdout, 250*time.Millisecond)
			return err
		}
		return jobShow(ctx, env, s, id)
	}
	return tutor.Errorf(tutor.EINVALID, "unknown jobs action %q: want list, show, follow or demo", verb)
}

func jobsList(ctx context.Context, env *Env, s *store.Store) error {
	js, err := s.Jobs(ctx, store.JobFilter{})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATE\tPROGRESS\tCREATED\tTITLE")
	for _, j := range js {
		progress := strconv.FormatInt(j.Step, 10)
		if j.Total > 0 {
			progress += "/" + strconv.FormatInt(j.Total, 10)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", j.ID, j.Kind, j.State, progress,
			j.CreatedAt.Local().Format("2006-01-02 15:04"), j.Title)
	}
	return tw.Flush()
}

func jobShow(ctx context.Context, env *Env, s *store.Store, id int64) error {
	j, err := s.Job(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "job %d  %s  %s  step %d/%d  attempts %d\n", j.ID, j.Kind, j.State, j.Step, j.Total, j.Attempts)
	if j.Error != "" {
		fmt.Fprintf(env.Stdout, "error: %s\n", j.Error)
	}
	if len(j.Result) > 0 {
		fmt.Fprintf(env.Stdout, "result: %s\n", j.Result)
	}
	lines, err := s.JobLog(ctx, id, 0, 0)
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintf(env.Stdout, "%s  %s\n", l.At.Local().Format("15:04:05"), l.Line)
	}
	return nil
}
