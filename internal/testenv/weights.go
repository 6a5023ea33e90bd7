package testenv

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// GoLlamaModule is the Go module whose testdata holds the only real pretrained weights available offline.
const GoLlamaModule = "github.com/mutablelogic/go-llama@v0.0.11"

var (
	goLlamaOnce sync.Once
	goLlamaDir  string
	goLlamaErr  error
)

// goLlamaTestdata returns the module's testdata folder, downloading the module through the Go
// module proxy once.
func goLlamaTestdata(tb testing.TB) string {
	tb.Helper()
	goLlamaOnce.Do(func() {
		out, err := exec.Command("go", "mod", "download", "-json", GoLlamaModule).Output()
		if err != nil {
			goLlamaErr = err
			return
		}
		var info struct{ Dir, Error string }
		if err := json.Unmarshal(out, &info); err != nil {
			goLlamaErr = err
			return
		}
		if info.Dir == "" {
			goLlamaErr = os.ErrNotExist
			return
		}
		goLlamaDir = filepath.Join(info.Dir, "testdata")
	})
	if goLlamaErr != nil {
		missing(tb, "testenv: %s not available: %v", GoLlamaModule, goLlamaErr)
	}
	return goLlamaDir
}

func testdataFile(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(goLlamaTestdata(tb), name)
	if _, err := os.Stat(p); err != nil {
		missing(tb, "testenv: %v", err)
	}
	return p
}

// Stories260K returns the path of stories260K.gguf: a pretrained llama of 292,800 parameters,
// F32, SentencePiece vocabulary of 512, trained on English TinyStories.
func Stories260K(tb testing.TB) string {
	tb.Helper()
	return testdataFile(tb, "stories260K.gguf")
}

// MiniLM returns the path of all-MiniLM-L6-v2-Q4_K_M.gguf: a BERT sentence-embedding model
// with 384 dimensions.
func MiniLM(tb testing.TB) string {
	tb.Helper()
	return testdataFile(tb, "all-MiniLM-L6-v2-Q4_K_M.gguf")
}
