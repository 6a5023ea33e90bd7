// Package preset is the dataset of the one-click "train on the demo company" preset: the demo
// company's written question/answer pairs and house-style cases (demo.Preset), then a share
// of those answers asked again with retrieved passages (see ragExamples).
package preset

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"unicode"

	"tutor/demo"
	"tutor/finetune"
	"tutor/llm"
	"tutor/rag"
)

// Dataset is the preset's training data in chat JSONL: demo.Preset, then ragExamples of its
// written pairs. It is built on first use (the documents are parsed and cut) and the same on
// every call.
var Dataset = sync.OnceValue(func() []byte {
	return append(append([]byte(nil), demo.Preset...), ragExamples(demo.PresetPairs)...)
})

// ragEvery is how often a written answer of the preset is also taught in the RAG prompt:
// one answer in three. Such an example is about five times as long as a plain pair (28,023
// tokens for 68 of them against 61,099 for 804 pairs on the demo model), so asking every
// answer would more than double the preset's time and take it past its 15 minutes.
const ragEvery = 3

// holds is the least share of an answer's index terms (weighted by their rarity) that a passage
// must hold to stand as the answer's source. Below it the answer draws on several passages, or
// is in the other language than its document (a Chinese answer from an English manual), and
// the answer is not asked with passages.
const holds = 0.4

// ragBudget bounds the tokens of an example (tokensAbout its turns), so that with the chat
// format it fits the preset's sequences (finetune.DemoPresetConfig's MaxSeqLen, 768 tokens):
// an example cut short would lose its answer. Where the second passage would pass it, the
// example has one.
const ragBudget = 736

// tokensAbout is a generous count of the tokens of text: a Chinese character is about one
// token, and a small vocabulary cuts other text into pieces of two bytes or more (the demo
// model's tokenizer gives 0.65 to 1.0 of this count on these examples).
func tokensAbout(text string) int {
	han, other := 0, 0
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			han++
		} else {
			other += len(string(r))
		}
	}
	return han + other/2
}

// ragExamples returns examples that teach an adapter to answer in the company's words when the
// question comes with retrieved passages too, as tuned+RAG and the Compare page ask it: for
// every ragEvery-th answer of pairs (chat JSONL, the answers each asked several ways), one of
// its questions in the prompt rag.BuildPrompt makes, with two passages of demo.Docs cut as the
// index cuts them: the one that holds the answer (the passage holding the most of its words,
// at least the share holds) and, from another document, the one that best matches the
// question (left out where it would pass ragBudget). They stand in a seeded order, and the
// answer ends citing the passage that holds it as [n]. Without such examples an adapter
// trained on bare questions meets a prompt it never saw and answers neither way.
func ragExamples(pairs []byte) []byte {
	chunks := docChunks()
	idf := inverseFrequencies(chunks)
	rng := rand.New(rand.NewPCG(20261207, 3))
	var out bytes.Buffer
	for i, a := range groupAnswers(pairs) {
		if i%ragEvery != 0 {
			continue
		}
		q := a.questions[(i/ragEvery)%len(a.questions)]
		best := bestChunk(chunks, idf, a.answer, "", holds)
		if best < 0 {
			continue
		}
		other := bestChunk(chunks, idf, q, chunks[best].DocName, 0)
		lang := "en"
		if hasHan(q) {
			lang = "zh"
		}
		first := rng.IntN(2) == 0
		var msgs []llm.Message
		for _, two := range []bool{other >= 0, false} {
			hits, at := []rag.Hit{{Chunk: chunks[best].Chunk}}, 0
			if two {
				hits = append(hits, rag.Hit{Chunk: chunks[other].Chunk})
				if !first {
					hits[0], hits[1], at = hits[1], hits[0], 1
				}
			}
			msgs = append(rag.BuildPrompt(q, hits, lang), llm.Message{Role: "assistant", Content: a.answer + " [" + strconv.Itoa(at+1) + "]"})
			if tokensAbout(msgs[0].Content+msgs[1].Content+msgs[2].Content) <= ragBudget {
				break
			}
			msgs = nil
		}
		if msgs == nil {
			continue
		}
		b, _ := json.Marshal(map[string][]llm.Message{"messages": msgs})
		out.Write(append(b, '\n'))
	}
	return out.Bytes()
}

// answered is one answer of the preset's pairs with the questions that ask for it, in order.
type answered struct {
	answer    string
	questions []string
}

// groupAnswers reads chat JSONL pairs (one user and one assistant turn each) and groups their
// questions by answer, in the order each answer first appears.
func groupAnswers(pairs []byte) []answered {
	recs, err := finetune.ParseJSONL(bytes.NewReader(pairs), "preset.jsonl")
	if err != nil {
		panic(err) // the pairs are embedded at build time, and their test parses them
	}
	var out []answered
	at := map[string]int{}
	for _, r := range recs {
		if len(r.Messages) != 2 {
			continue
		}
		q, a := r.Messages[0].Content, r.Messages[1].Content
		i, ok := at[a]
		if !ok {
			i, at[a] = len(out), len(out)
			out = append(out, answered{answer: a})
		}
		out[i].questions = append(out[i].questions, q)
	}
	return out
}

// chunk is a passage of the demo documents with its index terms, each once, in the order they
// first occur (a sum over them is then the same on every run, where a map's order is not).
type chunk struct {
	rag.Chunk
	terms []string
}

// docChunks is demo.Docs parsed and cut into passages as a workspace's index cuts them.
func docChunks() []chunk {
	var out []chunk
	names, _ := fs.Glob(demo.Docs, "*")
	for _, name := range names {
		data, err := fs.ReadFile(demo.Docs, name)
		if err != nil {
			panic(err) // the documents are embedded at build time
		}
		parsed, err := rag.Parse(name, data, rag.Limits{})
		if err != nil {
			panic(err) // a demo document Tutor cannot read is a build mistake
		}
		for _, p := range parsed {
			for _, c := range rag.Split(p.Text, rag.ChunkOptions{}) {
				c.DocName = name
				out = append(out, chunk{c, distinct(rag.Terms(c.Text))})
			}
		}
	}
	return out
}

// inverseFrequencies is each index term's weight log(1 + N/df) over chunks.
func inverseFrequencies(chunks []chunk) map[string]float64 {
	df := map[string]int{}
	for _, c := range chunks {
		for _, t := range c.terms {
			df[t]++
		}
	}
	idf := make(map[string]float64, len(df))
	for t, n := range df {
		idf[t] = math.Log(1 + float64(len(chunks))/float64(n))
	}
	return idf
}

// bestChunk is the chunk, outside document skip, whose terms weigh most among those of text;
// -1 when none holds at least share of their weight.
func bestChunk(chunks []chunk, idf map[string]float64, text, skip string, share float64) int {
	want := map[string]bool{}
	var total float64
	for _, t := range distinct(rag.Terms(text)) {
		want[t] = true
		total += idf[t]
	}
	best, bestScore := -1, share*total
	for i, c := range chunks {
		if c.DocName == skip {
			continue
		}
		var s float64
		for _, t := range c.terms {
			if want[t] {
				s += idf[t]
			}
		}
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

// distinct is ts without repeats, in order.
func distinct(ts []string) []string {
	seen := map[string]bool{}
	out := ts[:0]
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
