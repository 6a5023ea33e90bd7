package jobs

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"tutor"
	"tutor/store"
)

// Bar draws a job's progress on a terminal line, redrawn in place with \r; log lines are
// printed above it.
type Bar struct {
	W     io.Writer
	Width int // characters of the bar itself; 0: 30
	start time.Time
	drawn bool
}

// Draw redraws the bar for j.
func (b *Bar) Draw(j *store.Job) {
	if b.start.IsZero() {
		b.start = time.Now()
	}
	width := b.Width
	if width <= 0 {
		width = 30
	}
	var line string
	if f := j.Fraction(); f >= 0 {
		n := int(f * float64(width))
		line = fmt.Sprintf("[%s%s] %3.0f%% %d/%d", strings.Repeat("#", n), strings.Repeat(".", width-n), f*100, j.Step, j.Total)
	} else {
		line = fmt.Sprintf("[%s] step %d", strings.Repeat("?", width), j.Step)
	}
	line += "  " + time.Since(b.start).Round(time.Second).String()
	if j.Message != "" {
		line += "  " + j.Message
	}
	fmt.Fprintf(b.W, "\r%-100s", truncate(line, 100))
	b.drawn = true
}

// Println prints a line above the bar.
func (b *Bar) Println(s string) {
	if b.drawn {
		fmt.Fprintf(b.W, "\r%-100s\r", "")
	}
	fmt.Fprintln(b.W, s)
}

// Finish ends the bar's line.
func (b *Bar) Finish() {
	if b.drawn {
		fmt.Fprintln(b.W)
		b.drawn = false
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Follow draws job id's progress on w until it ends or ctx is done, and returns the final job.
// A job that did not succeed is returned with an error carrying its state.
func (r *Runner) Follow(ctx context.Context, id int64, w io.Writer) (*store.Job, error) {
	b := &Bar{W: w}
	defer b.Finish()
	for {
		sub, err := r.Subscribe(ctx, id)
		if err != nil {
			return nil, err
		}
		var last *store.Job
		for ev := range eventsUntil(ctx, sub) {
			for _, l := range ev.Log {
				b.Println(l.Line)
			}
			j := ev.Job
			last = &j
			b.Draw(last)
			if ev.Done {
				b.Finish()
				if j.State != store.JobSucceeded {
					return last, tutor.Errorf(tutor.ECONFLICT, "job %d %s: %s", id, j.State, j.Error)
				}
				return last, nil
			}
		}
		sub.Close()
		if ctx.Err() != nil {
			return last, ctx.Err()
		}
		// Dropped for falling behind: subscribe again for a fresh snapshot.
	}
}

// eventsUntil yields sub's events until the channel closes or ctx ends.
func eventsUntil(ctx context.Context, sub *Subscription) func(func(Event) bool) {
	return func(yield func(Event) bool) {
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-sub.C:
				if !ok || !yield(ev) {
					return
				}
			}
		}
	}
}

// Watch draws job id's progress on w by reading the store every interval, for a job another
// process runs; it returns the final job like [Runner.Follow].
func Watch(ctx context.Context, s *store.Store, id int64, w io.Writer, interval time.Duration) (*store.Job, error) {
	b := &Bar{W: w}
	defer b.Finish()
	var seq int64
	for {
		j, err := s.Job(ctx, id)
		if err != nil {
			return nil, err
		}
		lines, err := s.JobLog(ctx, id, seq, 0)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			b.Println(l.Line)
			seq = l.Seq
		}
		b.Draw(j)
		if j.State.Final() {
			b.Finish()
			if j.State != store.JobSucceeded {
				return j, tutor.Errorf(tutor.ECONFLICT, "job %d %s: %s", id, j.State, j.Error)
			}
			return j, nil
		}
		select {
		case <-ctx.Done():
			return j, ctx.Err()
		case <-time.After(interval):
		}
	}
}
