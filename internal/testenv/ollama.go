package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// OllamaVersion is the Ollama release the tests run against.
const OllamaVersion = "v0.6.5"

// OllamaServer is a real Ollama server on a free loopback port with its own models folder.
type OllamaServer struct {
	URL       string // e.g. http://127.0.0.1:41234
	Host      string // e.g. 127.0.0.1:41234, for OLLAMA_HOST
	ModelsDir string // its OLLAMA_MODELS
	Bin       string // the ollama binary
	LogPath   string // the server's log

	cmd *exec.Cmd
	dir string
}

var (
	ollamaOnce   sync.Once
	ollamaServer *OllamaServer
	ollamaErr    error
)

// OllamaBin returns the path of the ollama binary the tests use: $TUTOR_OLLAMA_BIN, or the one
// scripts/ollama builds into $TUTOR_CACHE (default ~/.cache/tutor).
func OllamaBin() string {
	if p := os.Getenv("TUTOR_OLLAMA_BIN"); p != "" {
		return p
	}
	cache := os.Getenv("TUTOR_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "tutor")
	}
	return filepath.Join(cache, "ollama", OllamaVersion, "ollama")
}

// Ollama returns the test binary's shared Ollama server, starting it on first use.
// It is stopped by [Main].
func Ollama(tb testing.TB) *OllamaServer {
	tb.Helper()
	bin := OllamaBin()
	if _, err := os.Stat(bin); err != nil {
		missing(tb, "testenv: ollama binary %s not found; build it with scripts/ollama", bin)
	}
	ollamaOnce.Do(func() {
		ollamaServer, ollamaErr = StartOllama(bin)
		if ollamaErr == nil {
			atExit(ollamaServer.Stop)
		}
	})
	if ollamaErr != nil {
		tb.Fatalf("testenv: %v", ollamaErr)
	}
	return ollamaServer
}

// StartOllama starts bin as a server on a free loopback port with a fresh models folder.
// The caller stops it with [OllamaServer.Stop].
func StartOllama(bin string) (*OllamaServer, error) {
	dir, err := os.MkdirTemp("", "tutor-ollama-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &OllamaServer{
		Host:      fmt.Sprintf("127.0.0.1:%d", port),
		ModelsDir: filepath.Join(dir, "models"),
		Bin:       bin,
		LogPath:   filepath.Join(dir, "ollama.log"),
		dir:       dir,
	}
	s.URL = "http://" + s.Host
	logf, err := os.Create(s.LogPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer logf.Close()
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(os.Environ(),
		"OLLAMA_HOST="+s.Host,
		"OLLAMA_MODELS="+s.ModelsDir,
		"HOME="+filepath.Join(dir, "home"),
		"OLLAMA_NOPRUNE=1",
		"OLLAMA_KEEP_ALIVE=10m",
		"OLLAMA_NUM_PARALLEL=1",
	)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = serverAttr()
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start ollama: %w", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/api/version")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(s.LogPath)
			s.Stop()
			return nil, fmt.Errorf("ollama did not answer within 60s: %v\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends the server and its runners and removes its folder.
func (s *OllamaServer) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		pgid := s.cmd.Process.Pid
		syscall.Kill(-pgid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-done
		}
	}
	os.RemoveAll(s.dir)
}

// Client returns an Ollama API client for the server.
func (s *OllamaServer) Client() *api.Client {
	u, _ := url.Parse(s.URL)
	return api.NewClient(u, http.DefaultClient)
}

// Log returns what the server has logged so far, for failure messages.
func (s *OllamaServer) Log() string {
	b, _ := os.ReadFile(s.LogPath)
	return string(b)
}

// CreateModel creates model name in the server from the GGUF file at path, with optional GGUF
// LoRA adapter files, uploading each file as a blob first. The model runs on one thread: with
// Ollama's default of one per core its threads spin against the tests' own work on a small
// machine, and a tiny model generates hundreds of times slower.
func (s *OllamaServer) CreateModel(tb testing.TB, name, path string, adapters ...string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := s.Client()
	digest, err := UploadBlob(ctx, c, path)
	if err != nil {
		tb.Fatalf("testenv: upload %s: %v", path, err)
	}
	req := &api.CreateRequest{Model: name, Files: map[string]string{filepath.Base(path): digest},
		Parameters: map[string]any{"num_thread": 1}}
	if len(adapters) > 0 {
		req.Adapters = map[string]string{}
		for _, a := range adapters {
			d, err := UploadBlob(ctx, c, a)
			if err != nil {
				tb.Fatalf("testenv: upload %s: %v", a, err)
			}
			req.Adapters[filepath.Base(a)] = d
		}
	}
	if err := c.Create(ctx, req, func(api.ProgressResponse) error { return nil }); err != nil {
		tb.Fatalf("testenv: create %s: %v\n%s", name, err, tailLog(s.Log(), 4000))
	}
}

// UploadBlob uploads the file at path to the server as a blob and returns its digest.
func UploadBlob(ctx context.Context, c *api.Client, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	digest := "sha256:" + hex.EncodeToString(h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	return digest, c.CreateBlob(ctx, digest, f)
}

func tailLog(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
