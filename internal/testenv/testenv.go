// Package testenv starts the real components Tutor's tests meet — an Ollama server, headless
// Chromium, the pretrained GGUF test files — and stops them when the test binary ends.
//
// A component that is missing skips the test, unless TUTOR_INTEGRATION=1 (set by the
// project's test command), where a missing component fails it instead.
package testenv

import (
	"os"
	"sync"
	"testing"
)

var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

// Main runs the tests of a package and then stops every component started for them.
// Call it from TestMain: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	stopAll()
	os.Exit(code)
}

// atExit registers f to run when [Main] finishes.
func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func stopAll() {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanups = nil
}

// Integration reports whether the test command asked for every integration test to run.
func Integration() bool { return os.Getenv("TUTOR_INTEGRATION") == "1" }

// missing skips tb, or fails it when integration tests are required.
func missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if Integration() {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format+" (set TUTOR_INTEGRATION=1 to make this a failure)", args...)
}
