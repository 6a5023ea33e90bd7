package model

import (
	"context"
	"sync"
	"time"

	"tutor"
)

// straggle is the least time a decoding step waits, after the first token for it arrives,
// for the other generations to send theirs; a step that took longer than this sets the wait
// for the next one, as merging late tokens into a step is cheaper than a step of their own.
// A generation that misses a step (its client reads slowly, say) is not waited for again
// until it catches up, so it cannot hold the others back more than once.
const straggle = 2 * time.Millisecond

// Batcher runs the decoding steps of concurrent generations on one model as shared forward
// passes: each step, the next token of every generation that has joined goes through each
// weight matrix together with the others ([Matrix.MatMul] streams the weights once for all
// of them), while attention runs per sequence over its own cache and each token gets its own
// generation's LoRA adapter, or none. A token's logits are bit for bit those it gets when it
// decodes alone, so the text a seed or greedy decoding gives does not change.
//
// A generation joins after its own prefill, at a step boundary, and leaves as soon as it
// finishes or its context ends. Pass a Batcher in [GenerateOptions.Batcher]; it is safe for
// concurrent use and runs a step loop only while generations are joined.
type Batcher struct {
	m        *Model
	straggle time.Duration

	mu      sync.Mutex
	members map[*member]bool // joined generations
	pending []*member        // tokens sent for the next step, oldest first
	first   time.Time        // when pending's oldest token came
	running bool             // the step loop runs
	kick    chan struct{}    // wakes the step loop
	steps   int64
	tokens  int64

	// The step loop's own buffers.
	sc     scratch
	logits []float32 // [B, V]
	toks   []int     // [B]
	rows   []slot    // [B]
}

// member is one generation joined to a Batcher.
type member struct {
	s        *State
	a        *Adapter
	tok      int           // the token sent for the next step
	pending  bool          // tok waits in Batcher.pending
	punctual bool          // the step loop waits for this member's token
	done     chan struct{} // signalled when the step that ran tok is over
}

// NewBatcher returns a Batcher for the generations of m.
func NewBatcher(m *Model) *Batcher {
	return &Batcher{m: m, straggle: straggle, members: map[*member]bool{}, kick: make(chan struct{}, 1),
		sc: scratch{cfg: m.Config}}
}

// BatchStats counts the steps a Batcher ran and the tokens they decoded; Tokens/Steps is the
// mean batch size.
type BatchStats struct {
	Steps, Tokens int64
}

// Stats returns the steps run and tokens decoded so far.
func (b *Batcher) Stats() BatchStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return BatchStats{Steps: b.steps, Tokens: b.tokens}
}

// join adds the generation decoding into s with adapter a (nil: none).
func (b *Batcher) join(s *State, a *Adapter) *member {
	mb := &member{s: s, a: a, punctual: true, done: make(chan struct{}, 1)}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.members[mb] = true
	if !b.running {
		b.running = true
		go b.loop()
	}
	return mb
}

// leave removes mb; it must have no token waiting.
func (b *Batcher) leave(mb *member) {
	b.mu.Lock()
	delete(b.members, mb)
	b.mu.Unlock()
	b.wake()
}

func (b *Batcher) wake() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// next runs tok through the model in mb's sequence as part of the next step and returns its
// logits [V], which stay valid until mb's next call. When ctx ends first, a token not yet
// taken into a step is withdrawn; one already taken is waited for, so the cache stays whole.
func (b *Batcher) next(ctx context.Context, mb *member, tok int) ([]float32, error) {
	if err := b.m.checkTokens(mb.s, []int{tok}); err != nil {
		return nil, err
	}
	b.mu.Lock()
	mb.tok, mb.pending = tok, true
	if len(b.pending) == 0 {
		b.first = time.Now()
	}
	b.pending = append(b.pending, mb)
	b.mu.Unlock()
	b.wake()
	select {
	case <-mb.done:
		return mb.s.logits, nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	if mb.pending {
		mb.pending = false
		for i, x := range b.pending {
			if x == mb {
				b.pending = append(b.pending[:i], b.pending[i+1:]...)
				break
			}
		}
		b.mu.Unlock()
		return nil, ctx.Err()
	}
	b.mu.Unlock()
	<-mb.done
	return nil, ctx.Err()
}

// loop runs steps while generations are joined: a step starts when every punctual member
// has sent its token, or when the oldest token has waited b.straggle or as long as the last
// step took, whichever is longer.
func (b *Batcher) loop() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var last time.Duration // how long the last step took
	for {
		b.mu.Lock()
		if len(b.members) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		wait := time.Duration(-1) // nothing sent: sleep until woken
		if len(b.pending) > 0 {
			wait = max(b.straggle, last) - time.Since(b.first)
			if wait <= 0 || b.allSent() {
				batch := b.take()
				b.mu.Unlock()
				t0 := time.Now()
				b.step(batch)
				last = time.Since(t0)
				continue
			}
		}
		b.mu.Unlock()
		if wait < 0 {
			<-b.kick
			continue
		}
		timer.Reset(wait)
		select {
		case <-b.kick:
		case <-timer.C:
		}
	}
}

// allSent reports whether every punctual member has a token waiting.
func (b *Batcher) allSent() bool {
	for mb := range b.members {
		if mb.punctual && !mb.pending {
			return false
		}
	}
	return true
}

// take empties pending into the next step. Members that sent nothing for it are not waited
// for until they next take part.
func (b *Batcher) take() []*member {
	batch := b.pending
	b.pending = nil
	for mb := range b.members {
		mb.punctual = mb.pending
	}
	for _, mb := range batch {
		mb.pending = false
	}
	b.steps++
	b.tokens += int64(len(batch))
	return batch
}

// step runs one token of every member of batch through the model together and hands each
// its logits.
func (b *Batcher) step(batch []*member) {
	V := b.m.Config.Vocab
	b.toks, b.rows = b.toks[:0], b.rows[:0]
	for _, mb := range batch {
		b.toks = append(b.toks, mb.tok)
		b.rows = append(b.rows, slot{s: mb.s, pos: mb.s.Len, a: mb.a})
	}
	b.m.forward(&b.sc, b.toks, b.rows)
	grow(&b.logits, len(batch)*V)
	b.m.head(&b.sc, b.logits, b.sc.x, b.rows)
	for i, mb := range batch {
		copy(mb.s.logits, b.logits[i*V:(i+1)*V])
		mb.s.Len++
		mb.done <- struct{}{}
	}
}

// checkBatcher reports a Batcher made for another model.
func (m *Model) checkBatcher(b *Batcher) error {
	if b != nil && b.m != m {
		return tutor.Errorf(tutor.EINVALID, "the batcher belongs to another model")
	}
	return nil
}
