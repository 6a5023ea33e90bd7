// Package corpus generates, reproducibly from a seed, the pretraining corpus of the demo base
// model: handbooks, minutes, reports and policies of many fictional companies, generic business
// knowledge, reading comprehension in the RAG prompt format, and conversations. It never
// mentions the demo company or its named methods, so the base model cannot know them.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"tutor/llm"
)

// Version identifies the generator; a change to any template or list changes it, so a model's
// recipe (recorded in its GGUF metadata) names the corpus it was trained on.
const Version = "corpus-6"

// Kind is what a document teaches.
type Kind string

// The kinds of documents, in the order of the mix in Options.
const (
	Handbook  Kind = "handbook"  // policies, minutes, reports of one fictional company
	Knowledge Kind = "knowledge" // generic business knowledge
	Reading   Kind = "reading"   // numbered passages + question → answer citing [n]
	Chat      Kind = "chat"      // a conversation to be rendered with the model's chat template
	Lookup    Kind = "lookup"    // numbered passages + a question on any sentence → that sentence, citing [n]
)

// Doc is one generated document. Handbook and Knowledge documents are plain Text; Reading and
// Chat documents are Messages, rendered by the caller with the model's chat template.
type Doc struct {
	Kind     Kind
	Lang     string // en or zh
	Text     string
	Messages []llm.Message
}

// String is the document as plain text: Text, or the turns one per paragraph.
func (d Doc) String() string {
	if d.Messages == nil {
		return d.Text
	}
	var b strings.Builder
	for i, m := range d.Messages {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(m.Role + ": " + m.Content)
	}
	return b.String()
}

// Options configure a Generator. The zero value of each field has a sensible default.
type Options struct {
	Seed uint64
	// Mix is the share of each kind, in the order Handbook, Knowledge, Reading, Chat, Lookup;
	// zero means 20/10/30/10/30.
	Mix [5]float64
	// Chinese is the share of documents in Chinese; zero means 0.5.
	Chinese float64
	// Prompt builds the turns of a reading-comprehension example before the answer from the
	// passages (numbered [1]..[n] in order) and a question; it must be the RAG prompt the
	// application uses. Nil uses DefaultPrompt.
	Prompt func(passages []Passage, question, lang string) []llm.Message
	// NotCovered is the answer when the passages do not hold the answer. Nil uses
	// DefaultNotCovered.
	NotCovered func(lang string) string
	// Chunk cuts a document into the passages retrieval would return; it must be the
	// application's chunker. Nil uses SectionChunks.
	Chunk func(doc, text string) []Passage
	// Quote makes a reading or lookup answer quote the passage that holds it whole, as the
	// prompt shows it: "[n] " and its text. A small model copies a passage from its
	// number on with the heads that copy, where starting at the right word in the passage is
	// a choice it does not learn to make (its first answer token is what fails). The passage
	// that answers is then first three times in five, as retrieval ranks it.
	Quote bool
	// Scramble is the share of quote examples (with Quote) whose passages have the words of
	// each line shuffled (runs of one to three characters in Chinese) and whose documents have
	// coined names. There the corpus's templates predict nothing and only copying does, which
	// is what a model needs in a company's documents, whose text is new to it.
	Scramble float64
	// Uncovered is the share of reading and lookup examples whose passages do not hold the
	// answer, so that the reply is NotCovered; zero means a quarter.
	Uncovered float64
}

// Generator yields an endless, reproducible sequence of documents.
type Generator struct {
	o   Options
	rng *rand.Rand
	n   int
}

// New returns a Generator; the same Options give the same sequence on every machine.
func New(o Options) *Generator {
	if o.Mix == [5]float64{} {
		o.Mix = [5]float64{0.20, 0.10, 0.30, 0.10, 0.30}
	}
	if o.Chinese == 0 {
		o.Chinese = 0.5
	}
	if o.Prompt == nil {
		o.Prompt = DefaultPrompt
	}
	if o.NotCovered == nil {
		o.NotCovered = DefaultNotCovered
	}
	if o.Chunk == nil {
		o.Chunk = SectionChunks
	}
	return &Generator{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x7475746f72))}
}

// Next returns the next document.
func (g *Generator) Next() Doc {
	g.n++
	lang := "en"
	if g.rng.Float64() < g.o.Chinese {
		lang = "zh"
	}
	var sum float64
	for _, m := range g.o.Mix {
		sum += m
	}
	r := g.rng.Float64() * sum
	switch {
	case r < g.o.Mix[0]:
		return g.handbook(lang)
	case r < g.o.Mix[0]+g.o.Mix[1]:
		return g.knowledge(lang)
	case r < g.o.Mix[0]+g.o.Mix[1]+g.o.Mix[2]:
		return g.reading(lang)
	case r < g.o.Mix[0]+g.o.Mix[1]+g.o.Mix[2]+g.o.Mix[3]:
		return g.chat(lang)
	default:
		return g.lookup(lang)
	}
}

// uncovered draws whether a reading or lookup example's passages leave its answer out.
func (g *Generator) uncovered() bool {
	if g.o.Uncovered == 0 {
		return g.rng.IntN(4) == 0
	}
	return g.rng.Float64() < g.o.Uncovered
}

// Count is how many documents Next has returned.
func (g *Generator) Count() int { return g.n }

// Passage is a retrieved piece of a document: where it comes from and its text.
type Passage struct {
	Source string // document name and heading path
	Text   string
}

// DefaultPrompt numbers the passages [1]..[n] before the question and asks for cited answers,
// in one user turn.
func DefaultPrompt(passages []Passage, question, lang string) []llm.Message {
	var b strings.Builder
	if lang == "zh" {
		b.WriteString("根据以下资料回答问题，并用 [n] 标注来源。资料没有提到时请直接说明。\n\n")
	} else {
		b.WriteString("Answer the question from the passages below and cite them as [n]. If the passages do not say, say so.\n\n")
	}
	for i, p := range passages {
		fmt.Fprintf(&b, "(%s)\n[%d] %s\n", p.Source, i+1, p.Text)
	}
	if lang == "zh" {
		b.WriteString("\n问题：" + question)
	} else {
		b.WriteString("\nQuestion: " + question)
	}
	return []llm.Message{{Role: "user", Content: b.String()}}
}

// DefaultNotCovered is the answer when the passages do not hold it.
func DefaultNotCovered(lang string) string {
	if lang == "zh" {
		return "资料中没有提到这一点。"
	}
	return "The passages do not say."
}

// pick returns one element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// between returns lo, lo+step, ..., hi at random.
func between(r *rand.Rand, lo, hi, step int) int { return lo + step*r.IntN((hi-lo)/step+1) }

// shuffled returns a random permutation of xs, which it leaves unchanged.
func shuffled[T any](r *rand.Rand, xs []T) []T {
	out := append([]T(nil), xs...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// quote is passage n (1-based) of a reading example's prompt msgs as the prompt shows it: its
// number "[n] " and its text. The prompt must show the number right before the text.
func quote(msgs []llm.Message, n int, p Passage) (string, bool) {
	q := "[" + strconv.Itoa(n) + "] " + strings.TrimSpace(p.Text)
	if !strings.Contains(msgs[len(msgs)-1].Content, q) {
		return "", false
	}
	return q, true
}

// scramble returns ps with the words of each line in random order (a line's leading "- "
// stays) and each document renamed to a coined file name, keeping the heading.
func (g *Generator) scramble(ps []Passage, lang string) []Passage {
	names := map[string]string{}
	out := make([]Passage, len(ps))
	for i, p := range ps {
		doc, heading, _ := strings.Cut(p.Source, " — ")
		if names[doc] == "" {
			names[doc] = coinEn(g.rng) + "-" + coinEn(g.rng) + ".md"
		}
		out[i].Source = names[doc] + " — " + heading
		lines := strings.Split(p.Text, "\n")
		for j, line := range lines {
			bullet := ""
			if rest, ok := strings.CutPrefix(line, "- "); ok {
				bullet, line = "- ", rest
			}
			var pieces []string
			sep := " "
			if lang == "zh" {
				sep = ""
				for rs := []rune(line); len(rs) > 0; {
					n := min(len(rs), 1+g.rng.IntN(3))
					pieces, rs = append(pieces, string(rs[:n])), rs[n:]
				}
			} else {
				pieces = strings.Fields(line)
			}
			// A shuffle that puts words together into a demo company's term is drawn again;
			// after a few tries the line keeps its order.
			for range 4 {
				if l := strings.Join(shuffled(g.rng, pieces), sep); FindDemoTerm(l) == "" {
					line = l
					break
				}
			}
			lines[j] = bullet + line
		}
		out[i].Text = strings.Join(lines, "\n")
	}
	return out
}

// firstMostly is where the passage that answers stands among k: first three times in five, as
// retrieval ranks the passage that holds the answer first most of the time; otherwise anywhere.
func (g *Generator) firstMostly(k int) int {
	if g.rng.IntN(5) < 3 {
		return 0
	}
	return g.rng.IntN(k)
}
