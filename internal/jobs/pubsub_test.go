package jobs

import (
	"testing"
	"time"

	"tutor/store"
)

func ev(step int64, done bool) Event { return Event{Job: store.Job{ID: 1, Step: step}, Done: done} }

func TestHubNewSubscriberGetsLastSnapshot(t *testing.T) {
	h := NewHub()
	initial := ev(0, false)
	if got := <-h.Subscribe(1, &initial).C; got.Job.Step != 0 {
		t.Errorf("before any publish, first event = step %d, want the initial", got.Job.Step)
	}
	h.Publish(1, Event{Job: store.Job{ID: 1, Step: 3}, Log: []store.JobLogLine{{Seq: 1, Line: "x"}}})
	sub := h.Subscribe(1, &initial)
	got := <-sub.C
	if got.Job.Step != 3 || len(got.Log) != 0 {
		t.Errorf("snapshot = step %d with %d log lines; want step 3 and no log (read from the store)", got.Job.Step, len(got.Log))
	}
	h.Publish(1, ev(4, true))
	if got := <-sub.C; !got.Done {
		t.Error("last event is not done")
	}
	if _, ok := <-sub.C; ok {
		t.Error("subscription open after done")
	}
	sub.Close() // safe after done
}

// A subscriber that stops reading is dropped and never blocks the publisher.
func TestHubDropsSlowSubscriber(t *testing.T) {
	h := NewHub()
	slow := h.Subscribe(1, nil)
	fast := h.Subscribe(1, nil)
	received := make(chan int)
	go func() {
		n := 0
		for range fast.C {
			n++
		}
		received <- n
	}()
	done := make(chan struct{})
	go func() {
		for i := range 10 * subscriberBuffer {
			h.Publish(1, ev(int64(i), false))
		}
		h.Publish(1, ev(-1, true))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("publisher blocked by a slow subscriber")
	}
	n := 0
	for range slow.C {
		n++
	}
	if n != subscriberBuffer {
		t.Errorf("slow subscriber got %d events before being dropped, want %d", n, subscriberBuffer)
	}
	if got := <-received; got < 1 {
		t.Errorf("fast subscriber got %d events", got)
	}
	fast.Close()
	slow.Close()
}
