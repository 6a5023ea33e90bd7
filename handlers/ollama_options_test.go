package handlers

import (
	"encoding/json"
	"testing"
)

// FuzzOllamaOptions: any "options" object either is refused with a coded error or gives
// options within the ranges the engine accepts.
func FuzzOllamaOptions(f *testing.F) {
	for _, s := range []string{`{}`, `{"temperature":0,"num_predict":-1}`, `{"num_predict":-2,"top_p":0.5,"stop":["\n"]}`,
		`{"seed":1e30}`, `{"stop":"x","top_k":-1}`, `{"temperature":"hot"}`, `{"num_ctx":2.5}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) != nil {
			return
		}
		o, err := ollamaOptions(m)
		if err != nil {
			return
		}
		if o.NumPredict < -1 || o.TopK < 0 || o.NumCtx < 0 || o.TopP < 0 || o.TopP > 1 ||
			(o.Temperature != nil && *o.Temperature < 0) {
			t.Fatalf("options %s accepted as %+v", s, o)
		}
	})
}

// FuzzOpenAIChatRequest: any request body either is refused naming a field, or converts to a
// request with messages and sane limits.
func FuzzOpenAIChatRequest(f *testing.F) {
	for _, s := range []string{`{"model":"m","messages":[{"role":"user","content":"hi"}]}`,
		`{"model":"m","messages":[{"role":"developer","content":[{"type":"text","text":"a"}]}],"max_tokens":0}`,
		`{"model":"m","messages":[{"role":"user","content":1}],"stop":["a",2]}`, `{"model":"m","messages":[],"n":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r openaiChatRequest
		if json.Unmarshal([]byte(s), &r) != nil {
			return
		}
		q, param, err := r.toLLM()
		if err != nil {
			if param == "" {
				t.Fatalf("%s refused without naming a field: %v", s, err)
			}
			return
		}
		if len(q.Messages) == 0 || q.Options.NumPredict < 0 {
			t.Fatalf("%s accepted as %+v", s, q)
		}
		for _, m := range q.Messages {
			if m.Role != "system" && m.Role != "user" && m.Role != "assistant" {
				t.Fatalf("%s accepted with role %q", s, m.Role)
			}
		}
	})
}
