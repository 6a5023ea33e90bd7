package builtin

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tutor"
	"tutor/llm"
)

// Sources say where to look for models.
type Sources struct {
	Catalog *llm.Catalog // the names Tutor serves, or nil
	Dir     string       // the workspace models folder, searched for *.gguf (one level of subfolders too)
	Ollama  llm.Lister   // an Ollama server's models, or nil when none is configured
}

// Inventory is every model Tutor knows of, by where it comes from.
type Inventory struct {
	Served    []llm.ModelInfo // names in the catalog, with their backends
	Files     []llm.ModelInfo // GGUF models in the workspace models folder
	Broken    []FileProblem   // files there that are not readable models
	Ollama    []llm.ModelInfo // the Ollama server's models
	OllamaErr error           // why the Ollama server could not be listed
}

// FileProblem is a GGUF file that could not be described.
type FileProblem struct {
	Path string
	Err  error
}

// Gather lists the models of every source. A source that fails does not hide the others:
// unreadable files go to Broken, an unreachable Ollama to OllamaErr.
func Gather(ctx context.Context, s Sources) (Inventory, error) {
	var inv Inventory
	if s.Catalog != nil {
		for _, e := range s.Catalog.List() {
			info := e.Info
			info.Name = e.Name
			inv.Served = append(inv.Served, info)
		}
	}
	if s.Dir != "" {
		files, err := findGGUF(s.Dir)
		if err != nil {
			return inv, err
		}
		for _, p := range files {
			info, err := Describe(p)
			if err != nil {
				inv.Broken = append(inv.Broken, FileProblem{Path: p, Err: err})
				continue
			}
			if rel, err := filepath.Rel(s.Dir, p); err == nil {
				info.Name = strings.TrimSuffix(filepath.ToSlash(rel), ".gguf")
			}
			inv.Files = append(inv.Files, info)
		}
	}
	if s.Ollama != nil {
		inv.Ollama, inv.OllamaErr = s.Ollama.Models(ctx)
	}
	return inv, ctx.Err()
}

// findGGUF returns the *.gguf files in dir and its direct subfolders, sorted; a missing
// folder has none.
func findGGUF(dir string) ([]string, error) {
	var out []string
	for _, pattern := range []string{"*.gguf", filepath.Join("*", "*.gguf")} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, tutor.Wrap(err, tutor.EINTERNAL, "list %s", dir)
		}
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
