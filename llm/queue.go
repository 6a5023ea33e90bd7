package llm

import (
	"context"
	"sync"

	"tutor"
)

// Queue lets at most a fixed number of requests run on a Generator at once. Others wait in a
// bounded line served round-robin across clients, so one client with many requests cannot
// starve the rest. A full line is refused at once with an EBUSY error; a request whose
// context ends while it waits leaves the line and frees its place.
type Queue struct {
	gen        Generator
	slots      int
	maxWaiting int

	mu      sync.Mutex
	running int
	waiting int
	lines   map[string][]*ticket // waiting tickets per client, oldest first
	order   []string             // clients with waiting tickets, in round-robin order
}

type ticket struct {
	client string
	ready  chan struct{} // closed when the ticket may run
}

// NewQueue returns a Queue over gen with slots concurrent requests and at most maxWaiting
// waiting ones.
func NewQueue(gen Generator, slots, maxWaiting int) *Queue {
	if slots < 1 {
		slots = 1
	}
	return &Queue{gen: gen, slots: slots, maxWaiting: maxWaiting, lines: map[string][]*ticket{}}
}

type clientKey struct{}

// WithClient marks ctx as coming from client (an API key, user or address) for fair queueing.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

func clientOf(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}

// QueueStats is a snapshot of a Queue.
type QueueStats struct {
	Running, Waiting, Slots, MaxWaiting int
}

// Stats returns how many requests run and wait now.
func (q *Queue) Stats() QueueStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return QueueStats{Running: q.running, Waiting: q.waiting, Slots: q.slots, MaxWaiting: q.maxWaiting}
}

// Generate waits for a slot, then runs req on the underlying Generator.
func (q *Queue) Generate(ctx context.Context, req Request, stream StreamFunc) (Response, error) {
	if err := q.acquire(ctx); err != nil {
		return Response{}, err
	}
	defer q.release()
	return q.gen.Generate(ctx, req, stream)
}

func (q *Queue) acquire(ctx context.Context) error {
	q.mu.Lock()
	if q.running < q.slots && q.waiting == 0 {
		q.running++
		q.mu.Unlock()
		return nil
	}
	if q.waiting >= q.maxWaiting {
		q.mu.Unlock()
		return tutor.Errorf(tutor.EBUSY, "the server is busy: %d requests are waiting; retry shortly", q.waiting)
	}
	t := &ticket{client: clientOf(ctx), ready: make(chan struct{})}
	if len(q.lines[t.client]) == 0 {
		q.order = append(q.order, t.client)
	}
	q.lines[t.client] = append(q.lines[t.client], t)
	q.waiting++
	q.mu.Unlock()

	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
		q.mu.Lock()
		defer q.mu.Unlock()
		select {
		case <-t.ready: // granted while we were cancelled: hand the slot on
			q.running--
			q.grant()
		default:
			q.remove(t)
		}
		return ctx.Err()
	}
}

func (q *Queue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.running--
	q.grant()
}

// grant starts waiting tickets while slots are free, taking clients in turn.
func (q *Queue) grant() {
	for q.running < q.slots && len(q.order) > 0 {
		c := q.order[0]
		q.order = q.order[1:]
		line := q.lines[c]
		t := line[0]
		if len(line) > 1 {
			q.lines[c] = line[1:]
			q.order = append(q.order, c)
		} else {
			delete(q.lines, c)
		}
		q.waiting--
		q.running++
		close(t.ready)
	}
}

func (q *Queue) remove(t *ticket) {
	line := q.lines[t.client]
	for i, x := range line {
		if x == t {
			line = append(line[:i], line[i+1:]...)
			break
		}
	}
	q.waiting--
	if len(line) > 0 {
		q.lines[t.client] = line
		return
	}
	delete(q.lines, t.client)
	for i, c := range q.order {
		if c == t.client {
			q.order = append(q.order[:i], q.order[i+1:]...)
			break
		}
	}
}
