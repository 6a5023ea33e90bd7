package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"tutor/internal/testenv"
)

// asCLI makes a re-executed test binary behave as the tutor command, so tests can run it as a
// real process and kill it.
const asCLI = "TUTOR_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	testenv.Main(m)
}

// testConfig is the default configuration on a free port with a temporary workspace.
func testConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Data = t.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 20 * time.Second
	cfg.DemoDocs = false  // tests start with an empty workspace; TestFirstStartLoadsDemoDocuments turns it on
	cfg.DemoModel = false // and TestFirstStartAddsTheDemoModel this one
	return cfg
}

// syncBuffer is a bytes.Buffer safe for a logger and a test reading it.
type syncBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{mu: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}

// startMain runs a Main with cfg until the test ends.
func startMain(t *testing.T, cfg Config) (*Main, *syncBuffer) {
	t.Helper()
	logs := newSyncBuffer()
	m := NewMain(cfg, logs)
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("start: %v\n%s", err, logs)
	}
	t.Cleanup(func() { m.Close() })
	return m, logs
}

// runCLI runs the tutor command in this process and returns its exit code and output.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestHelpListsCommandsAndSettings(t *testing.T) {
	code, out, _ := runCLI(t, nil, "help")
	if code != 0 {
		t.Fatalf("help exited %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, "  "+c.Name+" ") {
			t.Errorf("help lacks command %s", c.Name)
		}
	}
	for _, s := range settings() {
		if !strings.Contains(out, s.Env) {
			t.Errorf("help lacks %s", s.Env)
		}
	}
	if code, _, errOut := runCLI(t, nil, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, map[string]string{"TUTOR_WORKERS": "none"}, "jobs"); code != 2 || !strings.Contains(errOut, "TUTOR_WORKERS") {
		t.Errorf("bad environment: exit %d, %q; want 2 naming the variable", code, errOut)
	}
	if code, _, errOut := runCLI(t, nil, "jobs", "-max-body", "lots"); code == 0 || !strings.Contains(errOut, "max-body") {
		t.Errorf("bad flag: exit %d, %q; want a failure naming the flag", code, errOut)
	}
}

// The README's configuration table names every setting with its flag and default.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `TUTOR_") {
			env, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
			rows[env] = line
		}
	}
	for _, s := range settings() {
		row, ok := rows[s.Env]
		if !ok {
			t.Errorf("README's configuration table lacks %s", s.Env)
			continue
		}
		def := "`" + s.Default + "`"
		if s.Default == "" {
			def = "(none)"
		}
		if !strings.Contains(row, "`-"+s.Flag+"`") || !strings.Contains(row, def) {
			t.Errorf("README row for %s does not give flag -%s and default %s:\n%s", s.Env, s.Flag, def, row)
		}
		delete(rows, s.Env)
	}
	for env := range rows {
		t.Errorf("README documents %s, which is no setting", env)
	}
}

func TestConfigFlagsOverEnvironmentOverDefaults(t *testing.T) {
	env := &Env{Config: DefaultConfig(), Stderr: io.Discard}
	err := env.Config.FromEnv(func(k string) string {
		return map[string]string{"TUTOR_DATA": "/env/data", "TUTOR_MAX_BODY": "2MiB", "TUTOR_LOG_JSON": "true",
			"TUTOR_OLLAMA_URL": "http://127.0.0.1:11434/"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	fs := env.FlagSet("serve")
	if err := fs.Parse([]string{"-data", "/flag/data", "-workers", "2", "-shutdown-timeout", "5s"}); err != nil {
		t.Fatal(err)
	}
	c := env.Config
	if c.Data != "/flag/data" || c.MaxBodyBytes != 2<<20 || !c.LogJSON || c.Workers != 2 ||
		c.ShutdownTimeout != 5*time.Second || c.OllamaURL != "http://127.0.0.1:11434" || c.Addr != "127.0.0.1:8080" {
		t.Errorf("config %+v", c)
	}
	for in, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "32MiB": 32 << 20, "2G": 2 << 30, "10 kb": 10 << 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-5", "lots", "1.5MiB", "99999999GiB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

// FuzzParseSize: sizes from flags and the environment parse to a positive count or a clear error.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1", "32MiB", "512 KiB", "2g", "0", "-1", "1e9", "99999999999GiB", " 7 b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := parseSize(v)
		if err == nil && (n < 1 || n > 1<<50) {
			t.Fatalf("parseSize(%q) = %d", v, n)
		}
		if err != nil && !strings.Contains(err.Error(), "want a size") {
			t.Fatalf("parseSize(%q): unclear error %v", v, err)
		}
	})
}
