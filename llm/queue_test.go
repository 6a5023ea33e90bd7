package llm

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"tutor"
)

// gate is a Generator whose calls block until the test lets them finish, recording the order
// in which they started.
type gate struct {
	mu      sync.Mutex
	started []string
	release chan struct{}
}

func (g *gate) Generate(ctx context.Context, req Request, _ StreamFunc) (Response, error) {
	g.mu.Lock()
	g.started = append(g.started, req.Prompt)
	g.mu.Unlock()
	select {
	case <-g.release:
		return Response{Text: req.Prompt}, nil
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
}

func (g *gate) order() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.started...)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestQueueRefusesWhenFull(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	q := NewQueue(g, 1, 1)
	ctx := context.Background()
	go q.Generate(ctx, Request{Prompt: "a"}, nil)
	waitFor(t, func() bool { return q.Stats().Running == 1 })
	go q.Generate(ctx, Request{Prompt: "b"}, nil)
	waitFor(t, func() bool { return q.Stats().Waiting == 1 })
	_, err := q.Generate(ctx, Request{Prompt: "c"}, nil)
	if tutor.ErrorCode(err) != tutor.EBUSY {
		t.Fatalf("third request: err = %v, want %s", err, tutor.EBUSY)
	}
	close(g.release)
	waitFor(t, func() bool { s := q.Stats(); return s.Running == 0 && s.Waiting == 0 })
}

func TestQueueIsFairAcrossClients(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	q := NewQueue(g, 1, 10)
	busy := WithClient(context.Background(), "busy")
	other := WithClient(context.Background(), "other")
	var wg sync.WaitGroup
	run := func(ctx context.Context, p string) {
		wg.Add(1)
		go func() { defer wg.Done(); q.Generate(ctx, Request{Prompt: p}, nil) }()
	}
	run(busy, "b0")
	waitFor(t, func() bool { return q.Stats().Running == 1 })
	for i, p := range []string{"b1", "b2", "b3"} {
		run(busy, p)
		waitFor(t, func() bool { return q.Stats().Waiting == i+1 })
	}
	run(other, "o1")
	waitFor(t, func() bool { return q.Stats().Waiting == 4 })
	for range 5 {
		g.release <- struct{}{}
	}
	wg.Wait()
	got := g.order()
	want := []string{"b0", "b1", "o1", "b2", "b3"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("start order = %v, want %v", got, want)
		}
	}
}

func TestQueueCancelledWaiterFreesItsPlace(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	q := NewQueue(g, 1, 1)
	go q.Generate(context.Background(), Request{Prompt: "a"}, nil)
	waitFor(t, func() bool { return q.Stats().Running == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := q.Generate(ctx, Request{Prompt: "b"}, nil); errc <- err }()
	waitFor(t, func() bool { return q.Stats().Waiting == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: err = %v", err)
	}
	if s := q.Stats(); s.Waiting != 0 {
		t.Fatalf("waiting = %d after cancel", s.Waiting)
	}
	done := make(chan struct{})
	go func() { q.Generate(context.Background(), Request{Prompt: "c"}, nil); close(done) }()
	waitFor(t, func() bool { return q.Stats().Waiting == 1 })
	g.release <- struct{}{}
	g.release <- struct{}{}
	<-done
	if got := g.order(); len(got) != 2 || got[1] != "c" {
		t.Fatalf("order = %v, want [a c]", got)
	}
}

func TestQueueRunningRequestCancelledFreesSlot(t *testing.T) {
	g := &gate{release: make(chan struct{})}
	q := NewQueue(g, 1, 4)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := q.Generate(ctx, Request{Prompt: "a"}, nil); errc <- err }()
	waitFor(t, func() bool { return q.Stats().Running == 1 })
	cancel()
	<-errc
	waitFor(t, func() bool { return q.Stats().Running == 0 })
}
