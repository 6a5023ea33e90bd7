package eval

import (
	"fmt"
	"os"
	"strings"

	"tutor"
	"tutor/llm"
	"tutor/llm/openai"
)

// Backends is what variant specs resolve against.
type Backends struct {
	Builtin  llm.Generator // the in-process engine: model files, adapters per request
	Ollama   llm.Generator // an Ollama server; nil when none is configured
	Retrieve Retriever     // the workspace's document index; nil: +rag variants are refused
	Prompt   PromptFunc    // the prompt of +rag variants; nil: [DefaultPrompt]
	// AddAdapter registers an adapter file with Builtin and returns the name requests use.
	AddAdapter func(path string) (string, error)
	Model      string // the base model of base and tuned (a file or a name Builtin knows)
	Adapter    string // the adapter of tuned (a file)
	OpenAIKey  string // the API key of openai: variants
}

// SpecHelp describes the variant spec syntax.
const SpecHelp = `base | tuned | builtin:MODEL[@ADAPTER] | ollama:MODEL | openai:MODEL@URL, each optionally +rag; ` +
	`prefix NAME= to name it (base and tuned use --model and --adapter)`

// Resolve turns a spec into a variant:
//
//	base, tuned                 the built-in engine with the configured model (and adapter)
//	builtin:MODEL[@ADAPTER]     the built-in engine with any model file and adapter file
//	ollama:MODEL                a model of the configured Ollama server
//	openai:MODEL@URL            a model of any OpenAI-compatible endpoint (URL ends in /v1)
//
// "+rag" after any of them adds retrieval over the workspace's documents; "NAME=" before any
// of them names the variant (otherwise the spec is its name).
func (b Backends) Resolve(spec string) (Variant, error) {
	ps, err := parseSpec(spec, b.Model, b.Adapter)
	if err != nil {
		return Variant{}, err
	}
	name, kind, arg, rag := ps.name, ps.kind, ps.arg, ps.rag
	bad := func(format string, args ...any) (Variant, error) {
		return Variant{}, tutor.Errorf(tutor.EINVALID, "variant %q: %s (want %s)", spec, fmt.Sprintf(format, args...), SpecHelp)
	}
	v := Variant{Name: name}
	switch kind {
	case "base", "tuned":
		v.Generator, v.Model = b.Builtin, b.Model
		if kind == "tuned" {
			if err := b.adapter(&v, b.Adapter); err != nil {
				return Variant{}, err
			}
		}
	case "builtin":
		model, adapter, _ := strings.Cut(arg, "@")
		v.Generator, v.Model = b.Builtin, model
		if adapter != "" {
			if err := b.adapter(&v, adapter); err != nil {
				return Variant{}, err
			}
		}
	case "ollama":
		if b.Ollama == nil {
			return bad("no Ollama server is configured (set TUTOR_OLLAMA_URL)")
		}
		v.Generator, v.Model = b.Ollama, arg
	case "openai":
		i := strings.LastIndex(arg, "@")
		g, err := openai.New(arg[i+1:], b.OpenAIKey, nil)
		if err != nil {
			return Variant{}, err
		}
		v.Generator, v.Model, v.Fingerprint = g, arg[:i], g.URL()
	}
	if v.Generator == nil {
		return bad("the %s backend is not available", kind)
	}
	if rag {
		if b.Retrieve == nil {
			return bad("+rag needs the document index")
		}
		v.Retrieve, v.Prompt = b.Retrieve, b.Prompt
	}
	return v, nil
}

func (b Backends) adapter(v *Variant, path string) error {
	if b.AddAdapter == nil {
		return tutor.Errorf(tutor.EUNSUPPORTED, "variant %q: this backend cannot load adapters", v.Name)
	}
	name, err := b.AddAdapter(path)
	if err != nil {
		return err
	}
	v.Adapter, v.Fingerprint = name, path
	if fi, err := os.Stat(path); err == nil {
		// a retrained adapter at the same path must not reuse cached answers
		v.Fingerprint = fmt.Sprintf("%s %d %d", path, fi.Size(), fi.ModTime().UnixNano())
	}
	return nil
}

// ResolveAll resolves a list of specs; names must be unique.
func (b Backends) ResolveAll(specs []string) ([]Variant, error) {
	var out []Variant
	seen := map[string]bool{}
	for _, s := range specs {
		if strings.TrimSpace(s) == "" {
			continue
		}
		v, err := b.Resolve(s)
		if err != nil {
			return nil, err
		}
		if seen[v.Name] {
			return nil, tutor.Errorf(tutor.EINVALID, "variant %q is listed twice", v.Name)
		}
		seen[v.Name] = true
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "no variants: name at least one (%s)", SpecHelp)
	}
	return out, nil
}

// parsedSpec is a variant spec taken apart.
type parsedSpec struct {
	name, kind, arg string
	rag             bool
}

// parseSpec checks a spec's syntax, and that base and tuned have their model and adapter.
func parseSpec(s, model, adapter string) (parsedSpec, error) {
	s = strings.TrimSpace(s)
	bad := func(format string, args ...any) (parsedSpec, error) {
		return parsedSpec{}, tutor.Errorf(tutor.EINVALID, "variant %q: %s (want %s)", s, fmt.Sprintf(format, args...), SpecHelp)
	}
	p := parsedSpec{name: s}
	body := s
	if n, rest, ok := strings.Cut(s, "="); ok && !strings.ContainsAny(n, ":@/") {
		p.name, body = strings.TrimSpace(n), strings.TrimSpace(rest)
	}
	body, p.rag = strings.CutSuffix(body, "+rag")
	if p.name == "" || body == "" {
		return bad("empty")
	}
	p.kind, p.arg, _ = strings.Cut(body, ":")
	switch p.kind {
	case "base", "tuned":
		if p.arg != "" {
			return bad("%s takes no argument", p.kind)
		}
		if model == "" {
			return bad("no base model: set --model")
		}
		if p.kind == "tuned" && adapter == "" {
			return bad("no adapter: set --adapter")
		}
	case "builtin":
		if m, _, _ := strings.Cut(p.arg, "@"); m == "" {
			return bad("builtin needs a model")
		}
	case "ollama":
		if p.arg == "" {
			return bad("ollama needs a model name")
		}
	case "openai":
		if i := strings.LastIndex(p.arg, "@"); i <= 0 || i == len(p.arg)-1 {
			return bad("openai needs MODEL@URL")
		}
	default:
		return bad("unknown kind %q", p.kind)
	}
	return p, nil
}

// CheckSpecs checks the syntax of a request's variant specs without resolving them.
func CheckSpecs(req Request) error {
	if len(req.Variants) == 0 {
		return tutor.Errorf(tutor.EINVALID, "no variants: name at least one (%s)", SpecHelp)
	}
	for _, s := range req.Variants {
		if _, err := parseSpec(s, req.Model, req.Adapter); err != nil {
			return err
		}
	}
	if req.Judge != "" {
		if _, err := parseSpec("judge="+req.Judge, req.Model, req.Adapter); err != nil {
			return err
		}
	}
	return nil
}

// UsesRAG reports whether any of a request's variants retrieves passages (+rag). A spec that
// does not parse counts as none; [CheckSpecs] reports it.
func UsesRAG(req Request) bool {
	for _, s := range req.Variants {
		if p, err := parseSpec(s, req.Model, req.Adapter); err == nil && p.rag {
			return true
		}
	}
	return false
}
