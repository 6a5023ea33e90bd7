package eval

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strings"

	"tutor"
)

// Category says what kind of knowledge an item asks for.
type Category string

// The categories of a suite item.
const (
	Fact       Category = "fact"         // a fact stated in a document
	Process    Category = "process"      // how something is done: steps, approvals, deadlines
	Style      Category = "style"        // the company's own way of writing or structuring things
	OutOfScope Category = "out-of-scope" // not in the documents: the right answer is a refusal
)

// Categories lists every category in report order.
var Categories = []Category{Fact, Process, Style, OutOfScope}

func (c Category) valid() bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// Keywords are the words or phrases an answer must contain: every one of All, and at least one
// of Any (when Any is not empty). Matching ignores case, width and spacing.
type Keywords struct {
	All []string `json:"all,omitempty" yaml:"all,omitempty"`
	Any []string `json:"any,omitempty" yaml:"any,omitempty"`
}

// Item is one question of a suite with what a good answer looks like.
type Item struct {
	ID        string   `json:"id" yaml:"id"`
	Question  string   `json:"question" yaml:"question"`
	Reference string   `json:"reference,omitempty" yaml:"reference,omitempty"` // a correct answer
	Keywords  Keywords `json:"keywords,omitzero" yaml:"keywords,omitempty"`
	Category  Category `json:"category" yaml:"category"`
	Source    string   `json:"source,omitempty" yaml:"source,omitempty"` // the document that answers it
	Language  string   `json:"language" yaml:"language"`                 // zh or en (a BCP 47 tag)
}

// Suite is a named list of items with unique ids.
type Suite struct {
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	Items       []Item `json:"items" yaml:"items"`
}

// Limits on suites read from outside.
const (
	MaxSuiteBytes = 8 << 20 // a suite file
	MaxItems      = 10000   // items in one suite
	MaxFieldBytes = 16 << 10
)

// Hash identifies the suite's content: a change to any item changes it.
func (s *Suite) Hash() string {
	h := sha256.New()
	for _, it := range s.Items {
		fmt.Fprintf(h, "%q %q %q %q %q %q %q %q\x00", it.ID, it.Question, it.Reference, it.Keywords.All,
			it.Keywords.Any, it.Category, it.Source, it.Language)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Item returns the item with id, if any.
func (s *Suite) Item(id string) (Item, bool) {
	for _, it := range s.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// ParseSuite reads a suite from data; name is the file name, whose extension picks the format
// (.jsonl: one item per line; otherwise YAML). Errors name the file, line and field.
func ParseSuite(name string, data []byte) (*Suite, error) {
	if len(data) > MaxSuiteBytes {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "%s: suite is %d bytes, over the limit of %d", name, len(data), MaxSuiteBytes)
	}
	var (
		s   *Suite
		loc locator
		err error
	)
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson":
		s, loc, err = parseJSONL(name, data)
	default:
		s, loc, err = parseYAML(name, data)
	}
	if err != nil {
		return nil, err
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(path.Base(name), path.Ext(name))
	}
	if err := s.validate(name, loc); err != nil {
		return nil, err
	}
	return s, nil
}

// locator finds the line of item i's field ("" for the item itself).
type locator func(i int, field string) int

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

func (s *Suite) validate(name string, loc locator) error {
	if len(s.Items) == 0 {
		return tutor.Errorf(tutor.EINVALID, "%s: the suite has no items", name)
	}
	if len(s.Items) > MaxItems {
		return tutor.Errorf(tutor.ETOOLARGE, "%s: %d items, over the limit of %d", name, len(s.Items), MaxItems)
	}
	seen := map[string]int{}
	for i := range s.Items {
		it := &s.Items[i]
		bad := func(field, format string, args ...any) error {
			where := fmt.Sprintf("%s:%d: item %d", name, loc(i, field), i+1)
			if it.ID != "" && field != "id" {
				where = fmt.Sprintf("%s:%d: item %q", name, loc(i, field), it.ID)
			}
			return tutor.Errorf(tutor.EINVALID, "%s: field %q: %s", where, field, fmt.Sprintf(format, args...))
		}
		it.ID, it.Question = strings.TrimSpace(it.ID), strings.TrimSpace(it.Question)
		it.Reference, it.Source = strings.TrimSpace(it.Reference), strings.TrimSpace(it.Source)
		it.Language = strings.TrimSpace(it.Language)
		switch {
		case it.ID == "":
			return bad("id", "is required")
		case !idPattern.MatchString(it.ID):
			return bad("id", "%q must be 1 to 128 letters, digits, '.', '_' or '-'", it.ID)
		case it.Question == "":
			return bad("question", "is required")
		case it.Category == "":
			return bad("category", "is required")
		case !it.Category.valid():
			return bad("category", "%q is not one of fact, process, style, out-of-scope", it.Category)
		case it.Language == "":
			return bad("language", "is required (zh or en)")
		case !langPattern.MatchString(it.Language):
			return bad("language", "%q is not a language tag such as zh or en", it.Language)
		case it.Category != OutOfScope && it.Reference == "":
			return bad("reference", "is required for a %s item", it.Category)
		case it.Category != OutOfScope && it.Source == "":
			return bad("source", "is required for a %s item", it.Category)
		}
		for _, f := range []struct{ name, v string }{{"question", it.Question}, {"reference", it.Reference}, {"source", it.Source}} {
			if len(f.v) > MaxFieldBytes {
				return bad(f.name, "is %d bytes, over the limit of %d", len(f.v), MaxFieldBytes)
			}
		}
		for _, list := range [][]string{it.Keywords.All, it.Keywords.Any} {
			for j, k := range list {
				list[j] = strings.TrimSpace(k)
				if list[j] == "" {
					return bad("keywords", "keyword %d is empty", j+1)
				}
			}
		}
		if first, dup := seen[it.ID]; dup {
			return bad("id", "duplicate id %q (first on line %d)", it.ID, loc(first, "id"))
		}
		seen[it.ID] = i
	}
	return nil
}

// EncodeJSONL writes the suite's items one JSON object per line.
func (s *Suite) EncodeJSONL() ([]byte, error) {
	var b bytes.Buffer
	for _, it := range s.Items {
		if err := writeJSONLine(&b, it); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}
