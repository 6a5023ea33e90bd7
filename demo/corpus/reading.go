package corpus

import (
	"strconv"
	"strings"

	"tutor/llm"
)

// reading renders a reading-comprehension example in the RAG prompt format. A fictional
// company's handbook is cut into passages by Options.Chunk, as the application cuts uploaded
// documents; four or five passages, from that handbook and from another company's documents,
// stand for what retrieval returns. The answer copies the sentence that holds it and cites its
// passage as [n]; about a quarter of the time no passage holds it and the reply is
// Options.NotCovered.
func (g *Generator) reading(lang string) Doc { return until(lang, g.tryReading) }

// until calls try until it makes a document: a drawn company may lack what an example needs.
func until(lang string, try func(lang string) (Doc, bool)) Doc {
	for {
		if d, ok := try(lang); ok {
			return d
		}
	}
}

func (g *Generator) tryReading(lang string) (Doc, bool) {
	c, other := newCompany(g.rng), newCompany(g.rng)
	target := pick(g.rng, c.facts)
	answer := statement(target, lang)
	covered := !g.uncovered()
	// Passages that state another fact of the target's topic could answer too, or contradict
	// the label, so they are never distractors.
	sameTopic := func(p Passage, co *company) bool {
		for _, f := range co.facts {
			if f.topic == target.topic && strings.Contains(p.Text, statement(f, lang)) {
				return true
			}
		}
		return false
	}
	var hit *Passage
	var pool []Passage
	for _, p := range g.o.Chunk(c.handbookName(lang), g.renderHandbook(c, lang)) {
		switch {
		case hit == nil && strings.Contains(p.Text, answer):
			hit = &p
		case !sameTopic(p, c):
			pool = append(pool, p)
		}
	}
	if hit == nil {
		return Doc{}, false // the handbook left the topic out, or a chunk boundary cut the sentence
	}
	for _, p := range g.o.Chunk(other.handbookName(lang), g.otherDocument(other, lang)) {
		if !sameTopic(p, other) {
			pool = append(pool, p)
		}
	}
	k := 4 + g.rng.IntN(2) // passages shown, as retrieval returns its top five
	if covered {
		k--
	}
	passages := shuffled(g.rng, pool)[:min(len(pool), k)]
	reply := g.o.NotCovered(lang)
	at := 0
	if covered {
		at = g.rng.IntN(len(passages) + 1)
		if g.o.Quote {
			at = g.firstMostly(len(passages) + 1)
		}
		passages = append(passages[:at], append([]Passage{*hit}, passages[at:]...)...)
		reply = answer + " [" + strconv.Itoa(at+1) + "]"
	}
	if len(passages) == 0 {
		return Doc{}, false
	}
	if g.o.Quote && g.rng.Float64() < g.o.Scramble {
		passages = g.scramble(passages, lang)
	}
	question := target.qEn
	if lang == "zh" {
		question = target.qZh
	}
	msgs := g.o.Prompt(passages, question, lang)
	if g.o.Quote && covered {
		var ok bool
		if reply, ok = quote(msgs, at+1, passages[at]); !ok {
			return Doc{}, false
		}
	}
	return Doc{Kind: Reading, Lang: lang, Messages: append(msgs, llm.Message{Role: "assistant", Content: reply})}, true
}

// otherDocument is a document of company c: its handbook, a policy, minutes or a report.
func (g *Generator) otherDocument(c *company, lang string) string {
	switch g.rng.IntN(4) {
	case 0:
		return g.renderHandbook(c, lang)
	case 1:
		return g.renderPolicy(c, lang)
	case 2:
		return g.renderMinutes(c, lang)
	default:
		return g.renderReport(c, lang)
	}
}

// handbookName is the file name of c's handbook.
func (c *company) handbookName(lang string) string {
	if lang == "zh" {
		return c.short.zh + "员工手册.md"
	}
	return strings.ToLower(c.short.en) + "-handbook.md"
}

// SectionChunks is the default Options.Chunk: one passage per "## " section of the text, its
// source the document name and the section's title.
func SectionChunks(doc, text string) []Passage {
	var out []Passage
	for _, sec := range strings.Split("\n"+text, "\n## ")[1:] {
		title, body, _ := strings.Cut(sec, "\n")
		if body = strings.TrimSpace(body); body != "" {
			out = append(out, Passage{Source: doc + " — " + strings.TrimSpace(title), Text: body})
		}
	}
	return out
}
