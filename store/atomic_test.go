package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crashEnv tells a re-executed test binary to play the process that crashes mid-write.
const crashEnv = "TUTOR_STORE_CRASH"

func TestMain(m *testing.M) {
	if mode := os.Getenv(crashEnv); mode != "" {
		crashingWriter(mode, os.Getenv(crashEnv+"_PATH"))
		os.Exit(3) // never reached: the parent kills this process
	}
	os.Exit(m.Run())
}

// crashingWriter is the child's side: "stall" writes half of a new file and waits to be
// killed; "loop" rewrites the file with ever new versions until it is killed.
func crashingWriter(mode, path string) {
	switch mode {
	case "stall":
		WriteAtomic(path, 0o644, func(w io.Writer) error {
			w.Write(bytes.Repeat([]byte("N"), 1<<20))
			fmt.Println("half written")
			select {} // killed here
		})
	case "loop":
		for v := 0; ; v++ {
			if err := WriteFile(path, version(v), 0o644); err != nil {
				fmt.Println("error:", err)
				return
			}
			if v == 3 {
				fmt.Println("writing")
			}
		}
	}
}

// version is the content of the v-th write: 256 KiB of one letter, so a torn file shows.
func version(v int) []byte { return bytes.Repeat([]byte{byte('a' + v%26)}, 256<<10) }

// startCrasher runs this test binary as a writer in mode and returns once it printed its first line.
func startCrasher(t *testing.T, mode, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+mode, crashEnv+"_PATH="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.HasPrefix(line, "error") {
		t.Fatalf("writer process: %q, %v", line, err)
	}
	return cmd
}

func kill9(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	return m
}

// A process killed with SIGKILL in the middle of writing leaves the old file whole; the
// half-written temporary file is cleaned up on the next start.
func TestWriteAtomicSurvivesKillMidWrite(t *testing.T) {
	s := MustOpen(t)
	path := s.Path("docs", "report.txt")
	old := []byte("the old, complete content\n")
	if err := WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	kill9(t, startCrasher(t, "stall", path))

	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, old) {
		t.Fatalf("after the crash the file holds %d bytes (%.20q), err %v; want the old content", len(got), got, err)
	}
	if left := tempFiles(t, filepath.Dir(path)); len(left) != 1 {
		t.Fatalf("temporary files after the crash: %v, want the one half-written", left)
	}
	n, err := s.CleanTemp()
	if err != nil || n != 1 {
		t.Errorf("CleanTemp removed %d, %v; want 1", n, err)
	}
	if left := tempFiles(t, filepath.Dir(path)); len(left) != 0 {
		t.Errorf("temporary files after CleanTemp: %v", left)
	}
}

// Killed at an arbitrary moment while rewriting a file over and over, a writer leaves one
// complete version, never a mix.
func TestWriteFileKilledAtRandomLeavesOneVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.bin")
	if err := WriteFile(path, version(0), 0o644); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		cmd := startCrasher(t, "loop", path)
		time.Sleep(time.Duration(20+round*37) * time.Millisecond)
		kill9(t, cmd)
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 256<<10 || !bytes.Equal(got, bytes.Repeat(got[:1], len(got))) {
			t.Fatalf("round %d: torn file of %d bytes", round, len(got))
		}
	}
}

// A writer that fails part-way leaves the old content and no temporary file.
func TestWriteAtomicFailingWriterKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	if err := WriteFile(path, []byte(`{"v":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk said no")
	err := WriteAtomic(path, 0o600, func(w io.Writer) error {
		w.Write([]byte(`{"v":2, "half`))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != `{"v":1}` {
		t.Errorf("content = %q, want the old", got)
	}
	if left := tempFiles(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := WriteFile(path, []byte(`{"v":3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if got, _ := os.ReadFile(path); string(got) != `{"v":3}` || fi.Mode().Perm() != 0o600 {
		t.Errorf("after a good write: %q, mode %v", got, fi.Mode())
	}
}
