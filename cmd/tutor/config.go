package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"tutor"
)

// Config is everything Tutor can be told, filled from the defaults, then the environment,
// then flags.
type Config struct {
	Data            string        // workspace folder
	Addr            string        // where the web app listens
	LogLevel        slog.Level    // debug, info, warn, error
	LogJSON         bool          // logs as JSON lines instead of text
	MaxBodyBytes    int64         // largest request body accepted
	Token           string        // shared access token; empty: no token
	SecureCookies   bool          // cookies only over HTTPS
	Workers         int           // jobs running at once, all kinds together
	ShutdownTimeout time.Duration // how long a stop waits for requests and jobs
	OllamaURL       string        // an Ollama server to use; empty: the built-in engine only
	EmbedModel      string        // Ollama embedding model for documents; empty: the built-in embedder
	OpenAIKey       string        // API key for OpenAI-compatible endpoints evaluated as variants
	ServeSlots      int           // built-in generations running at once
	ServeQueue      int           // built-in requests waiting at most; more are refused with 429
	ServeBatch      bool          // built-in generations on one base share each decoding step
	DemoDocs        bool          // a new workspace starts with the demo company's documents
	DemoModel       bool          // a new workspace starts with the demo base model
}

// DefaultConfig is the configuration with nothing set: the embedded default on 127.0.0.1:8080.
func DefaultConfig() Config {
	return Config{
		Data:            "./tutor-data",
		Addr:            "127.0.0.1:8080",
		LogLevel:        slog.LevelInfo,
		MaxBodyBytes:    32 << 20,
		Workers:         4,
		ShutdownTimeout: 30 * time.Second,
		ServeSlots:      2,
		ServeQueue:      64,
		DemoDocs:        true,
		DemoModel:       true,
	}
}

// setting is one configurable value: its environment variable, its flag and its default, in the
// one table that the help text and the README are checked against.
type setting struct {
	Env, Flag, Default, Usage string
	set                       func(c *Config, v string) error
}

// settings lists every setting. Add one with one entry (and a Config field).
func settings() []setting {
	return []setting{
		{"TUTOR_DATA", "data", "./tutor-data", "workspace folder: documents, models, adapters, the database",
			func(c *Config, v string) error { c.Data = v; return nil }},
		{"TUTOR_ADDR", "addr", "127.0.0.1:8080", "address the web app listens on (host:port; port 0 picks a free one)",
			func(c *Config, v string) error { c.Addr = v; return nil }},
		{"TUTOR_LOG_LEVEL", "log-level", "info", "log level: debug, info, warn or error",
			func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
		{"TUTOR_LOG_JSON", "log-json", "false", "write logs as JSON lines",
			func(c *Config, v string) (err error) { c.LogJSON, err = strconv.ParseBool(v); return err }},
		{"TUTOR_MAX_BODY", "max-body", "32MiB", "largest request body accepted (bytes, or with KiB, MiB, GiB)",
			func(c *Config, v string) (err error) { c.MaxBodyBytes, err = parseSize(v); return err }},
		{"TUTOR_TOKEN", "token", "", "shared access token; when set, the web app asks for it (users in the workspace take precedence)",
			func(c *Config, v string) error { c.Token = v; return nil }},
		{"TUTOR_SECURE_COOKIES", "secure-cookies", "false", "send cookies over HTTPS only (set behind a TLS proxy)",
			func(c *Config, v string) (err error) { c.SecureCookies, err = strconv.ParseBool(v); return err }},
		{"TUTOR_WORKERS", "workers", "4", "jobs running at once, all kinds together (training always runs one at a time)",
			func(c *Config, v string) (err error) { c.Workers, err = positive(v); return err }},
		{"TUTOR_SHUTDOWN_TIMEOUT", "shutdown-timeout", "30s", "how long stopping waits for requests to finish and jobs to checkpoint",
			func(c *Config, v string) (err error) { c.ShutdownTimeout, err = time.ParseDuration(v); return err }},
		{"TUTOR_OLLAMA_URL", "ollama", "", "URL of an Ollama server to use besides the built-in engine, e.g. http://127.0.0.1:11434",
			func(c *Config, v string) error { c.OllamaURL = strings.TrimRight(v, "/"); return nil }},
		{"TUTOR_EMBED_MODEL", "embed-model", "", "Ollama model that embeds documents for retrieval (e.g. nomic-embed-text); empty: the built-in embedder",
			func(c *Config, v string) error { c.EmbedModel = v; return nil }},
		{"TUTOR_OPENAI_API_KEY", "openai-api-key", "", "API key sent to OpenAI-compatible endpoints evaluated as openai: variants",
			func(c *Config, v string) error { c.OpenAIKey = v; return nil }},
		{"TUTOR_SERVE_SLOTS", "serve-slots", "2", "generations the built-in engine runs at once for the serving APIs",
			func(c *Config, v string) (err error) { c.ServeSlots, err = positive(v); return err }},
		{"TUTOR_SERVE_QUEUE", "serve-queue", "64", "requests that may wait for the built-in engine; more get 429 with Retry-After",
			func(c *Config, v string) (err error) { c.ServeQueue, err = positive(v); return err }},
		{"TUTOR_SERVE_BATCH", "serve-batch", "false", "built-in generations running at once on one base share each decoding step (continuous batching; same text)",
			func(c *Config, v string) (err error) { c.ServeBatch, err = strconv.ParseBool(v); return err }},
		{"TUTOR_DEMO_DOCS", "demo-docs", "true", "load the demo company's documents into a new workspace on its first start or its first evaluation of a +rag variant",
			func(c *Config, v string) (err error) { c.DemoDocs, err = strconv.ParseBool(v); return err }},
		{"TUTOR_DEMO_MODEL", "demo-model", "true", "put the demo base model (tutor-demo) into a new workspace's models folder on its first start",
			func(c *Config, v string) (err error) { c.DemoModel, err = strconv.ParseBool(v); return err }},
	}
}

// FromEnv applies the environment variables that are set.
func (c *Config) FromEnv(getenv func(string) string) error {
	for _, s := range settings() {
		if v := getenv(s.Env); v != "" {
			if err := s.set(c, v); err != nil {
				return tutor.Errorf(tutor.EINVALID, "%s=%q: %v", s.Env, v, err)
			}
		}
	}
	return nil
}

// Flags registers every setting as a flag on fs, writing into c.
func (c *Config) Flags(fs *flag.FlagSet) {
	for _, s := range settings() {
		usage := fmt.Sprintf("%s (env %s", s.Usage, s.Env)
		if s.Default != "" {
			usage += ", default " + s.Default
		}
		fs.Func(s.Flag, usage+")", func(v string) error { return s.set(c, v) })
	}
}

func positive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("want a whole number of at least 1")
	}
	return n, nil
}

// parseSize reads "1048576", "512KiB", "32MiB", "2GiB" (also KB, MB, GB, K, M, G as binary units).
func parseSize(v string) (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > (1<<50)/mult {
		return 0, fmt.Errorf("want a size such as 1048576 or 32MiB")
	}
	return n * mult, nil
}
