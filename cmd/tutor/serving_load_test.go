package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"tutor/llm"
	"tutor/model/ggml"
	"tutor/model/testmodel"
)

// streamChat sends a streaming /api/chat and reads it to the end; first, when not nil, is
// called when the first piece arrives. It returns the final line with the whole answer as
// its message content.
func streamChat(ctx context.Context, base, model, prompt string, numPredict int, first func()) (api.ChatResponse, error) {
	body, _ := json.Marshal(map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": prompt}},
		"options": map[string]any{"temperature": 0, "num_predict": numPredict}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/chat", strings.NewReader(string(body)))
	if err != nil {
		return api.ChatResponse{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return api.ChatResponse{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		var e struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&e)
		return api.ChatResponse{}, fmt.Errorf("status %d: %s (Retry-After %q)", resp.StatusCode, e.Error, resp.Header.Get("Retry-After"))
	}
	sc := bufio.NewScanner(resp.Body)
	var last api.ChatResponse
	var text strings.Builder
	for sc.Scan() {
		var r api.ChatResponse
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return last, err
		}
		if first != nil {
			first()
			first = nil
		}
		text.WriteString(r.Message.Content)
		last = r
		last.Message.Content = text.String()
	}
	if err := sc.Err(); err != nil {
		return last, err
	}
	if !last.Done {
		return last, fmt.Errorf("stream ended without done")
	}
	return last, nil
}

// TestServingLoad: 32 concurrent streaming chats against the built-in engine through the
// queue (2 slots, or 8 sharing decoding steps) all finish, each within a bound, with the heap
// bounded.
func TestServingLoad(t *testing.T) {
	t.Run("unbatched", func(t *testing.T) { servingLoad(t, 2, false) })
	t.Run("batched", func(t *testing.T) { servingLoad(t, 8, true) })
}

func servingLoad(t *testing.T, slots int, batch bool) {
	const clients, perClient = 32, 24
	dir := writeWorkspace(t)
	m := startTutor(t, dir, func(c *Config) { c.ServeSlots, c.ServeQueue, c.ServeBatch = slots, 32, batch })
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, clients)
	waits := make([]time.Duration, clients)
	tokens := make([]int, clients)
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			model := "tiny:latest"
			if i%2 == 1 {
				model = "tiny:tuned-okr" // two adapters' worth of traffic on one loaded base
			}
			t0 := time.Now()
			r, err := streamChat(ctx, m.URL(), model, fmt.Sprintf("Question %d: what is due this week?", i), perClient,
				func() { waits[i] = time.Since(t0) })
			errs[i], tokens[i] = err, r.EvalCount
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("client %d: %v", i, err)
		}
		total += tokens[i]
	}
	slowest := time.Duration(0)
	for _, w := range waits {
		slowest = max(slowest, w)
	}
	st := m.Serving.Queue.Stats()
	t.Logf("%d clients, %d tokens in %v (%.0f tokens/s); slowest first token after %v; heap in use %d MiB before, peak %d MiB",
		clients, total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), slowest.Round(time.Millisecond),
		before.HeapInuse>>20, peak>>20)
	if st.Running != 0 || st.Waiting != 0 {
		t.Fatalf("queue not empty after the load: %+v", st)
	}
	if peak > before.HeapInuse+512<<20 {
		t.Fatalf("heap grew from %d to %d MiB under load", before.HeapInuse>>20, peak>>20)
	}
}

// TestServingBatchedEqualsAlone: greedy chats running at once on one base, with the adapter
// and without, share decoding steps and each answers as the engine does alone.
func TestServingBatchedEqualsAlone(t *testing.T) {
	dir := writeWorkspace(t)
	m := startTutor(t, dir, func(c *Config) { c.ServeSlots, c.ServeQueue, c.ServeBatch = 4, 4, true })
	asks := []struct{ model, adapter, prompt string }{
		{"tiny:latest", "", greedyQuestion},
		{"tiny:tuned-okr", "okr", greedyQuestion},
		{"tiny:tuned-okr", "okr", "Who owns the roadmap?"},
		{"tiny:latest", "", "Tell a story."},
	}
	const n = 160
	got := make([]api.ChatResponse, len(asks))
	errs := make([]error, len(asks))
	var wg sync.WaitGroup
	for i, a := range asks {
		wg.Go(func() { got[i], errs[i] = streamChat(context.Background(), m.URL(), a.model, a.prompt, n, nil) })
	}
	wg.Wait()
	for i, a := range asks {
		if errs[i] != nil {
			t.Fatalf("%s: %v", a.model, errs[i])
		}
		want := directGreedy(t, dir, a.adapter, llm.Request{Messages: []llm.Message{{Role: "user", Content: a.prompt}},
			Options: llm.Options{NumPredict: n}})
		if got[i].Message.Content != want.Text || got[i].EvalCount != want.CompletionTokens {
			t.Fatalf("%s, %q: batched %q (%d tokens), alone %q (%d)", a.model, a.prompt, got[i].Message.Content,
				got[i].EvalCount, want.Text, want.CompletionTokens)
		}
	}
	st := m.Serving.Engine.BatchStats()
	t.Logf("%d steps decoded %d tokens", st.Steps, st.Tokens)
	if st.Tokens <= st.Steps {
		t.Fatalf("no decoding step was shared: %+v", st)
	}
}

// TestServingQueueFullAndDisconnect: with one slot and one place in line, a third request is
// refused at once with 429 and Retry-After in each API's shape; a client that disconnects
// frees its slot at once for the one waiting, whether or not generations share steps.
func TestServingQueueFullAndDisconnect(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprintf("batch=%t", batch), func(t *testing.T) { servingQueueFullAndDisconnect(t, batch) })
	}
}

func servingQueueFullAndDisconnect(t *testing.T, batch bool) {
	dir := writeWorkspace(t)
	m := startTutor(t, dir, func(c *Config) { c.ServeSlots, c.ServeQueue, c.ServeBatch = 1, 1, batch })
	q := m.Serving.Queue
	// The random-weight model may end the long generation on its own before the line has
	// formed; the scenario then starts over.
	for attempt := 1; !queueFullAndDisconnect(t, m); attempt++ {
		if attempt == 20 {
			t.Fatal("the long generation ended on its own 20 times before the line formed")
		}
		t.Logf("attempt %d: the long generation ended on its own before the line formed; starting over", attempt)
		waitUntil(t, "the queue to empty", 30*time.Second, func() bool { st := q.Stats(); return st.Running == 0 && st.Waiting == 0 })
	}
	waitUntil(t, "the queue to empty", 5*time.Second, func() bool { st := q.Stats(); return st.Running == 0 && st.Waiting == 0 })
}

// queueFullAndDisconnect runs the scenario once; false means the first generation ended by
// itself too early to hold its slot.
func queueFullAndDisconnect(t *testing.T, m *Main) bool {
	q := m.Serving.Queue
	// A: a long generation (to the end of a 2048-token window), cancelled by its client.
	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	started := make(chan struct{})
	doneA := make(chan error, 1)
	go func() {
		_, err := streamChat(ctxA, m.URL(), "tiny:tuned-okr", "Tell a long story.", -1, func() { close(started) })
		doneA <- err
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the first request did not start")
	}
	// B waits in line.
	doneB := make(chan error, 1)
	go func() {
		_, err := streamChat(context.Background(), m.URL(), "tiny:latest", "Hello", 4, nil)
		doneB <- err
	}()
	// endedEarly reports whether A has ended on its own, waiting up to grace for its client to
	// tell: the server may finish A before the client has read the end of its stream.
	endedEarly := func(grace time.Duration) bool {
		select {
		case <-doneA:
			<-doneB
			return true
		case <-time.After(grace):
			return false
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for q.Stats().Waiting != 1 {
		if endedEarly(0) {
			return false
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for B to wait in line: %+v", q.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}

	// C finds the line full: 429 with Retry-After, in both APIs' error shapes.
	status, hdr, body := postJSON(t, m.URL()+"/api/generate", "", map[string]any{"model": "tiny", "prompt": "hi", "stream": false})
	if status != http.StatusTooManyRequests && endedEarly(2*time.Second) {
		return false
	}
	if status != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" || !strings.Contains(string(body), `"error":"the server is busy`) {
		t.Fatalf("Ollama API with a full queue: %d, Retry-After %q, %s", status, hdr.Get("Retry-After"), body)
	}
	status, hdr, body = postJSON(t, m.URL()+"/v1/chat/completions", "", map[string]any{"model": "tiny",
		"messages": []map[string]string{{"role": "user", "content": "hi"}}})
	if status != http.StatusTooManyRequests && endedEarly(2*time.Second) {
		return false
	}
	if status != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" || !strings.Contains(string(body), `"type":"rate_limit_error"`) {
		t.Fatalf("OpenAI API with a full queue: %d, Retry-After %q, %s", status, hdr.Get("Retry-After"), body)
	}

	// A disconnects: its slot goes to B at once.
	if st := q.Stats(); st.Running != 1 || st.Waiting != 1 {
		if endedEarly(2 * time.Second) {
			return false
		}
		t.Fatalf("before the disconnect: %+v (A should still be generating)", st)
	}
	t0 := time.Now()
	cancelA()
	waitUntil(t, "B to take A's slot", 5*time.Second, func() bool { return q.Stats().Waiting == 0 })
	if d := time.Since(t0); d > time.Second {
		t.Fatalf("the slot was freed %v after the client left", d)
	}
	if err := <-doneB; err != nil {
		t.Fatalf("B: %v", err)
	}
	<-doneA
	return true
}

// benchModels are the bases BenchmarkServingDecode serves: the tiny model of the serving
// tests, where HTTP and streaming cost more than the model, and a small one (~44M weights in
// Q8_0, a 32k vocabulary), where the model costs most, as with real models.
var benchModels = []struct {
	name string
	o    testmodel.Options
}{
	{"tiny", tinyModel},
	{"small", testmodel.Options{Type: ggml.Q8_0, Dim: 512, Layers: 8, Heads: 8, KVHeads: 4, FFN: 1536, Vocab: 32000,
		Tied: true, Seed: 3}},
}

// BenchmarkServingDecode prints the aggregate decode rate of the serving API over loopback at
// 1, 4 and 16 concurrent streaming clients, with as many engine slots as clients, with the
// generations decoding alone and sharing each step (continuous batching), side by side; the
// batched runs report their ratio to the unbatched ones as x_unbatched:
//
//	go test ./cmd/tutor -run '^$' -bench ServingDecode -benchtime 3x
func BenchmarkServingDecode(b *testing.B) {
	for _, bm := range benchModels {
		dir := writeWorkspaceWith(b, bm.name, bm.o)
		for _, clients := range []int{1, 4, 16} {
			alone := 0.0
			for _, batch := range []bool{false, true} {
				b.Run(fmt.Sprintf("model=%s/clients=%d/batch=%t", bm.name, clients, batch), func(b *testing.B) {
					rate := servingDecode(b, dir, bm.name+":tuned-okr", clients, batch)
					if !batch {
						alone = rate
					} else if alone > 0 {
						b.ReportMetric(rate/alone, "x_unbatched")
					}
				})
			}
		}
	}
}

// servingDecode runs rounds of clients concurrent streaming chats of 64 tokens with model
// against a Tutor over dir and returns the aggregate tokens per second.
func servingDecode(b *testing.B, dir, model string, clients int, batch bool) float64 {
	m := startTutor(b, dir, func(c *Config) { c.ServeSlots, c.ServeQueue, c.ServeBatch = clients, clients, batch })
	// A first, shorter round loads the model and warms the server; it is not measured.
	servingRound(b, m.URL(), model, clients, 8)
	var tokens int
	var decode, cpu time.Duration
	for b.Loop() {
		start, cpu0 := time.Now(), cpuTime()
		tokens += servingRound(b, m.URL(), model, clients, 64)
		decode += time.Since(start)
		cpu += cpuTime() - cpu0
	}
	rate := float64(tokens) / decode.Seconds()
	b.ReportMetric(rate, "tokens/s")
	// Tokens per second of CPU time (server and clients together): on a shared machine the
	// wall clock also counts the time the threads waited for a core.
	b.ReportMetric(float64(tokens)/cpu.Seconds(), "tokens/cpu-s")
	if st := m.Serving.Engine.BatchStats(); st.Steps > 0 {
		b.ReportMetric(float64(st.Tokens)/float64(st.Steps), "tokens/step")
	}
	return rate
}

// servingRound runs clients concurrent streaming chats of up to n tokens with model against
// the server at url and returns the tokens generated.
func servingRound(b *testing.B, url, model string, clients, n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	tokens := 0
	for i := range clients {
		wg.Go(func() {
			r, err := streamChat(context.Background(), url, model, fmt.Sprintf("Story %d", i), n, nil)
			if err != nil {
				b.Error(err)
			}
			mu.Lock()
			tokens += r.EvalCount
			mu.Unlock()
		})
	}
	wg.Wait()
	return tokens
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
