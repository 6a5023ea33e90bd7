package llm

import (
	"context"
	"strings"
	"testing"

	"tutor"
)

type echoGen struct{}

func (echoGen) Generate(_ context.Context, req Request, _ StreamFunc) (Response, error) {
	return Response{Text: req.Model + "|" + req.Adapter + "|" + req.Messages[len(req.Messages)-1].Content}, nil
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"demo":                  "demo:latest",
		"demo:tuned-okr":        "demo:tuned-okr",
		" demo ":                "demo:latest",
		"host:11434/ns/model":   "host:11434/ns/model:latest",
		"host:11434/ns/model:7": "host:11434/ns/model:7",
		"":                      "",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCatalogGetAndGenerate(t *testing.T) {
	c := NewCatalog()
	c.Set(Entry{Name: "demo:tuned", Generator: echoGen{}, Model: "base", Adapter: "okr",
		Augment: func(_ context.Context, m []Message) ([]Message, error) {
			return append(m[:len(m)-1:len(m)-1], Message{Role: "user", Content: "[1] passage\n" + m[len(m)-1].Content}), nil
		}})
	c.Set(Entry{Name: "demo", Generator: echoGen{}, Model: "base"})
	if got := len(c.List()); got != 2 {
		t.Fatalf("List: %d entries", got)
	}
	if _, err := c.Get("nope"); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Fatalf("Get(nope): %v", err)
	}
	if _, err := c.Get(""); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Fatalf("Get(empty): %v", err)
	}
	e, err := c.Get("demo:tuned")
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Generate(context.Background(), Request{Model: "ignored", Messages: []Message{{Role: "user", Content: "q"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "base|okr|[1] passage\nq"; r.Text != want {
		t.Fatalf("Generate = %q, want %q", r.Text, want)
	}
	c.Remove("demo")
	if _, err := c.Get("demo:latest"); err == nil {
		t.Fatal("removed entry still found")
	}
}

func TestCatalogReplace(t *testing.T) {
	c := NewCatalog()
	c.Set(Entry{Name: "old", Generator: echoGen{}})
	c.Replace([]Entry{{Name: "a", Generator: echoGen{}}, {Name: "b:tuned-x", Generator: echoGen{}}})
	var names []string
	for _, e := range c.List() {
		names = append(names, e.Name)
	}
	if got, want := strings.Join(names, ","), "a:latest,b:tuned-x"; got != want {
		t.Fatalf("after Replace: %s, want %s", got, want)
	}
}
