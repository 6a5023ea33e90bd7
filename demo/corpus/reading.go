package corpus

import (
	"fmt"

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
	var passages []string
	for _, f := range facts[1:] {
		if f.topic == target.topic {
			continue // a second fact on the topic could answer too, or contradict the label
		}
		passages = append(passages, statement(f, lang))
		if len(passages) == 1+g.rng.IntN(4) {
			break
		}
	}
	at := -1
	if covered {
		at = g.rng.IntN(len(passages) + 1)
		passages = append(passages[:at], append([]string{statement(target, lang)}, passages[at:]...)...)
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
	return Doc{Kind: Reading, Lang: lang, Messages: []llm.Message{
		{Role: "user", Content: g.o.Prompt(passages, question, lang)},
		{Role: "assistant", Content: answer},
	}}
}
