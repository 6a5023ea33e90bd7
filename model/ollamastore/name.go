// Package ollamastore reads an Ollama models folder: it resolves a model name to its
// manifest and the blobs its layers point at (the GGUF weights, adapters, template, …).
package ollamastore

import (
	"path/filepath"
	"strings"

	"tutor"
)

// The parts a short name leaves out, as Ollama fills them in.
const (
	DefaultHost      = "registry.ollama.ai"
	DefaultNamespace = "library"
	DefaultTag       = "latest"
)

// Name is a fully qualified Ollama model name: host/namespace/model:tag.
type Name struct {
	Host      string
	Namespace string
	Model     string
	Tag       string
}

// ParseName parses "model", "model:tag", "namespace/model:tag" or
// "host/namespace/model:tag" (a scheme like "https://" before the host is dropped),
// filling in the defaults, and checks each part as Ollama does.
func ParseName(s string) (Name, error) {
	var n Name
	rest := s
	if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
		rest, n.Tag = rest[:i], rest[i+1:]
		if n.Tag == "" {
			return Name{}, tutor.Errorf(tutor.EINVALID, "model name %q: empty tag", s)
		}
	}
	parts := strings.Split(rest, "/")
	switch len(parts) {
	case 1:
		n.Model = parts[0]
	case 2:
		n.Namespace, n.Model = parts[0], parts[1]
	default:
		host := strings.Join(parts[:len(parts)-2], "/")
		if _, after, ok := strings.Cut(host, "://"); ok {
			host = after
		}
		n.Host, n.Namespace, n.Model = host, parts[len(parts)-2], parts[len(parts)-1]
	}
	if n.Host == "" {
		n.Host = DefaultHost
	}
	if n.Namespace == "" && len(parts) == 1 {
		n.Namespace = DefaultNamespace
	}
	if n.Tag == "" {
		n.Tag = DefaultTag
	}
	if err := n.Validate(); err != nil {
		return Name{}, tutor.Errorf(tutor.EINVALID, "model name %q: %s", s, tutor.ErrorMessage(err))
	}
	return n, nil
}

// Validate checks each part against Ollama's rules: a letter, digit or underscore
// first, then also '-', '_', '.' (not in the namespace) and ':' (only in the host);
// host up to 350 bytes, the others up to 80.
func (n Name) Validate() error {
	for _, p := range []struct {
		kind, s, extra string
		max            int
	}{
		{"host", n.Host, "-_.:", 350},
		{"namespace", n.Namespace, "-_", 80},
		{"model", n.Model, "-_.", 80},
		{"tag", n.Tag, "-_.", 80},
	} {
		if len(p.s) == 0 || len(p.s) > p.max {
			return tutor.Errorf(tutor.EINVALID, "the %s must have 1 to %d characters", p.kind, p.max)
		}
		for i := range len(p.s) {
			c := p.s[i]
			alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
			if !alnum && (i == 0 || !strings.ContainsRune(p.extra, rune(c))) {
				return tutor.Errorf(tutor.EINVALID, "the %s %q has a bad character at %d", p.kind, p.s, i)
			}
		}
	}
	return nil
}

// String returns the full name, host/namespace/model:tag.
func (n Name) String() string { return n.Host + "/" + n.Namespace + "/" + n.Model + ":" + n.Tag }

// Short returns the name as Ollama lists it: without the default host and namespace,
// always with the tag ("llama3.2:latest", "me/tuned:v1").
func (n Name) Short() string {
	switch {
	case !strings.EqualFold(n.Host, DefaultHost):
		return n.String()
	case !strings.EqualFold(n.Namespace, DefaultNamespace):
		return n.Namespace + "/" + n.Model + ":" + n.Tag
	}
	return n.Model + ":" + n.Tag
}

// path returns the manifest's path under the manifests folder.
func (n Name) path() string { return filepath.Join(n.Host, n.Namespace, n.Model, n.Tag) }
