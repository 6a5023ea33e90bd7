package handlers

import "testing"

func TestTunedFor(t *testing.T) {
	tuned := []string{"demo:tuned-okr", "qwen2.5:0.5b:tuned-sales", "demo2:tuned-x"}
	for base, want := range map[string]string{
		"demo:latest":  "demo:tuned-okr",
		"qwen2.5:0.5b": "qwen2.5:0.5b:tuned-sales",
		"qwen2.5:1.5b": "",
		"dem:latest":   "",
		"demo2:latest": "demo2:tuned-x",
	} {
		if got := tunedFor(base, tuned); got != want {
			t.Errorf("tunedFor(%q) = %q, want %q", base, got, want)
		}
	}
}
