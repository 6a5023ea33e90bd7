package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// With -log-json every log line is one JSON object; each request is logged with its method,
// path, status, size and duration.
func TestStructuredJSONLogs(t *testing.T) {
	cfg := testConfig(t)
	cfg.LogJSON = true
	m, logs := startMain(t, cfg)
	for _, path := range []string{"/jobs", "/no-such-page"} {
		resp, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := map[string]float64{"/jobs": 200, "/no-such-page": 404}
	deadline := time.Now().Add(10 * time.Second)
	for len(want) > 0 && time.Now().Before(deadline) {
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line is not JSON: %q", line)
			}
			if rec["msg"] != "request" {
				continue
			}
			path, _ := rec["path"].(string)
			if status, ok := want[path]; ok && rec["status"] == status && rec["method"] == "GET" && rec["level"] == "INFO" &&
				rec["dur"] != nil && rec["bytes"] != nil && rec["time"] != nil {
				delete(want, path)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(want) > 0 {
		t.Errorf("no structured request record for %v in:\n%s", want, logs)
	}
}
