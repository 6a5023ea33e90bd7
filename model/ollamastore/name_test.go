package ollamastore

import (
	"testing"

	"tutor"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		in, want, short string
	}{
		{"stories", "registry.ollama.ai/library/stories:latest", "stories:latest"},
		{"stories:v1", "registry.ollama.ai/library/stories:v1", "stories:v1"},
		{"llama3.2:1b-instruct-q4_K_M", "registry.ollama.ai/library/llama3.2:1b-instruct-q4_K_M", "llama3.2:1b-instruct-q4_K_M"},
		{"me/tuned", "registry.ollama.ai/me/tuned:latest", "me/tuned:latest"},
		{"localhost:11434/me/tuned:v2", "localhost:11434/me/tuned:v2", "localhost:11434/me/tuned:v2"},
		{"https://example.com/ns/m:t", "example.com/ns/m:t", "example.com/ns/m:t"},
	}
	for _, tt := range tests {
		n, err := ParseName(tt.in)
		if err != nil {
			t.Errorf("ParseName(%q): %v", tt.in, err)
			continue
		}
		if n.String() != tt.want || n.Short() != tt.short {
			t.Errorf("ParseName(%q) = %s (%s), want %s (%s)", tt.in, n, n.Short(), tt.want, tt.short)
		}
	}
	for _, bad := range []string{"", ":", "stories:", "../etc/passwd", "a/../b", "ns.x/model", "-model", "model:ta/g", "a/b/c/d/e", "mo del", ".hidden"} {
		if n, err := ParseName(bad); tutor.ErrorCode(err) != tutor.EINVALID {
			t.Errorf("ParseName(%q) = %v, %v: want an invalid-name error", bad, n, err)
		}
	}
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"stories", "me/tuned:v1", "localhost:11434/me/tuned:v2", "a/b/c:d", "../x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseName(s)
		if err != nil {
			return
		}
		// A valid name never escapes the manifests folder and parses back to itself.
		again, err := ParseName(n.String())
		if err != nil || again != n {
			t.Fatalf("%q → %s → %v, %v", s, n, again, err)
		}
		for _, p := range []string{n.Host, n.Namespace, n.Model, n.Tag} {
			if p == "." || p == ".." || len(p) == 0 {
				t.Fatalf("%q has part %q", s, p)
			}
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:` + hex64 + `","size":10},"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:` + hex64 + `","size":5}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			return
		}
		for _, l := range m.Layers {
			if !digestRE.MatchString(l.Digest) {
				t.Fatalf("accepted digest %q", l.Digest)
			}
		}
	})
}

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
