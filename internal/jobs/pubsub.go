package jobs

import (
	"sync"

	"tutor/store"
)

// Event is a snapshot of a job sent to its subscribers.
type Event struct {
	Job  store.Job
	Log  []store.JobLogLine // lines added since the previous event
	Done bool               // the job reached a final state; no more events follow
}

// subscriberBuffer is how many events a subscriber may fall behind before it is dropped.
const subscriberBuffer = 64

// Hub is a per-job publish/subscribe that keeps each job's last event, so a new subscriber is
// current at once, and drops a subscriber that falls behind rather than block the publisher.
type Hub struct {
	mu     sync.Mutex
	topics map[int64]*topic
}

type topic struct {
	last *Event
	subs map[*Subscription]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{topics: map[int64]*topic{}} }

// Subscription receives a job's events on C until the job is done, the subscriber falls behind
// (C closes without a Done event: subscribe again for a fresh snapshot) or Close is called.
type Subscription struct {
	C   <-chan Event
	c   chan Event
	hub *Hub
	id  int64
}

// Subscribe starts a subscription to job id; the last published event comes first, or initial
// when nothing was published yet (initial may be nil).
func (h *Hub) Subscribe(id int64, initial *Event) *Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := make(chan Event, subscriberBuffer)
	s := &Subscription{C: c, c: c, hub: h, id: id}
	t := h.topic(id)
	if t.last != nil {
		c <- *t.last
	} else if initial != nil {
		c <- *initial
	}
	t.subs[s] = struct{}{}
	return s
}

func (h *Hub) topic(id int64) *topic {
	t, ok := h.topics[id]
	if !ok {
		t = &topic{subs: map[*Subscription]struct{}{}}
		h.topics[id] = t
	}
	return t
}

// Publish sends ev to job id's subscribers without blocking; when ev is Done the subscriptions
// end and the topic is forgotten.
func (h *Hub) Publish(id int64, ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.topic(id)
	last := ev
	last.Log = nil // a new subscriber reads the log from the store
	t.last = &last
	for s := range t.subs {
		select {
		case s.c <- ev:
		default:
			delete(t.subs, s)
			close(s.c)
		}
	}
	if ev.Done {
		for s := range t.subs {
			close(s.c)
		}
		delete(h.topics, id)
	}
}

// Close ends the subscription; it is safe to call more than once and after the job is done.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	t, ok := s.hub.topics[s.id]
	if !ok {
		return
	}
	if _, ok := t.subs[s]; ok {
		delete(t.subs, s)
		close(s.c)
	}
}
