// Package compare renders the Compare page: one question, the variants' answers streaming side
// by side with their latency and retrieved passages, citations linked to the passages, and votes.
package compare

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Slots are the columns a comparison can have, in the order they are shown.
const (
	SlotBase     = "base"
	SlotBaseRAG  = "base-rag"
	SlotTuned    = "tuned"
	SlotTunedRAG = "tuned-rag"
)

// Tally is the vote count for one pair of variants.
type Tally struct {
	Left, Right                  string
	LeftWins, RightWins, Ties, N int
}

// Column is one variant of a comparison: a model, with or without retrieval.
type Column struct {
	Slot  string // base, base-rag, tuned, tuned-rag
	Model string // the catalog name
	RAG   bool
}

// Variant names the column in votes, e.g. "demo:latest+rag".
func (c Column) Variant() string {
	if c.RAG {
		return c.Model + "+rag"
	}
	return c.Model
}

// StreamURL is the column's SSE stream for question q.
func (c Column) StreamURL(q string) string {
	v := url.Values{"q": {q}, "model": {c.Model}, "slot": {c.Slot}}
	if c.RAG {
		v.Set("rag", "1")
	}
	return "/compare/stream?" + v.Encode()
}

// Page is the Compare page.
type Page struct {
	Question     string
	Bases        []string // base models in the catalog
	Tuned        []string // tuned models (base + adapter) in the catalog
	Base         string   // the chosen base
	TunedModel   string   // the chosen tuned model; "" for none
	Columns      []Column // set once a question is asked
	HasDocuments bool
	CanCompare   bool
	Voted        bool // a vote was just recorded
	Tallies      []Tally
}

// Asked reports whether the page shows a comparison.
func (p Page) Asked() bool { return len(p.Columns) > 0 }

// Segment is a piece of an answer: plain text, or a citation of passage N.
type Segment struct {
	Text string
	N    int // > 0: a citation [N]
}

// Result is a finished answer with its measurements.
type Result struct {
	Column           Column
	Segments         []Segment
	Answer           string
	Passages         int // passages given to the model
	Retrieval        time.Duration
	TimeToFirstToken time.Duration
	Total            time.Duration
	Tokens           int
	TokensPerSecond  float64
	DoneReason       string
	Error            string
}

// PassageAnchor is the element id of passage n in the column's passage list.
func PassageAnchor(slot string, n int) string { return fmt.Sprintf("%s-p-%d", slot, n) }

// Millis formats a duration in milliseconds (with a decimal below 10 ms), or "–" when unmeasured.
func Millis(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// Rate formats tokens per second, or "–" when unmeasured.
func Rate(r float64) string {
	if r <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f tok/s", r)
}

// title is the i18n key of a slot's heading.
func title(slot string) string { return "compare.slot." + strings.ReplaceAll(slot, "-", "_") }
