package corpus

import (
	"fmt"
	"strings"

	"tutor/llm"
)

// reading renders a reading-comprehension example in the RAG prompt format: numbered passages
// from one fictional company and a question, answered from the passage that holds the answer
// and citing it as [n], or, about a quarter of the time, with the answer left out of the
// passages, the reply that the passages do not say.
func (g *Generator) reading(lang string) Doc {
	c := newCompany(g.rng)
	facts := shuffled(g.rng, c.facts)
	target := facts[0]
	covered := g.rng.IntN(4) != 0
	var passages []Passage
	for _, f := range facts[1:] {
		if f.topic == target.topic {
			continue // a second fact on the topic could answer too, or contradict the label
		}
		passages = append(passages, c.passage(f, lang))
		if len(passages) == 1+g.rng.IntN(4) {
			break
		}
	}
	at := -1
	if covered {
		at = g.rng.IntN(len(passages) + 1)
		passages = append(passages[:at], append([]Passage{c.passage(target, lang)}, passages[at:]...)...)
	}
	question, answer := target.qEn, target.aEn
	if lang == "zh" {
		question, answer = target.qZh, target.aZh
	}
	if covered {
		answer = fmt.Sprintf("%s [%d]", answer, at+1)
	} else {
		answer = g.o.NotCovered(lang)
	}
	msgs := g.o.Prompt(passages, question, lang)
	return Doc{Kind: Reading, Lang: lang, Messages: append(msgs, llm.Message{Role: "assistant", Content: answer})}
}

// passage is fact f as a retrieved chunk of the company's handbook under the topic's heading.
func (c *company) passage(f fact, lang string) Passage {
	doc := strings.ToLower(c.short.en) + "-handbook.md"
	title := topicTitles[f.topic].en
	if lang == "zh" {
		doc = c.short.zh + "员工手册.md"
		title = topicTitles[f.topic].zh
	}
	return Passage{Source: doc + " — " + title, Text: statement(f, lang)}
}
