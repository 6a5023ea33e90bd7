package pretrain

import (
	"context"
	"strconv"
	"strings"

	"tutor"
	"tutor/demo/corpus"
	"tutor/finetune"
	"tutor/llm"
	"tutor/model/chat"
	"tutor/model/tokenizer"
	"tutor/rag"
)

// template is the chat format of the demo model: ChatML, as every model Tutor makes.
var template = chat.Tutor

// Generator returns the corpus generator of the recipe for stream (0: tokenizer documents,
// 1: training and validation documents). Reading examples are cut into passages and prompted
// exactly as the application cuts documents and prompts a model with retrieved passages, so the
// model learns to answer from them.
func Generator(r Recipe, stream uint64) *corpus.Generator {
	return generator(r, stream, Phase{})
}

// generator is Generator with the documents of training phase ph: its mix of document kinds
// (zero: the corpus's default), and whether reading and lookup answers quote their passage
// (corpus.Options.Quote and Scramble).
func generator(r Recipe, stream uint64, ph Phase) *corpus.Generator {
	return corpus.New(corpus.Options{
		Seed:      r.Seed*2 + stream,
		Mix:       ph.Mix,
		Quote:     ph.Quote,
		Scramble:  ph.Scramble,
		Uncovered: ph.Uncovered,
		Prompt: func(ps []corpus.Passage, question, lang string) []llm.Message {
			hits := make([]rag.Hit, len(ps))
			for i, p := range ps {
				doc, heading, _ := strings.Cut(p.Source, " — ")
				hits[i].DocName, hits[i].Heading, hits[i].Text = doc, []string{heading}, p.Text
			}
			return rag.BuildPrompt(question, hits, lang)
		},
		Chunk: func(doc, text string) []corpus.Passage {
			var out []corpus.Passage
			for _, c := range rag.Split(text, rag.ChunkOptions{}) {
				out = append(out, corpus.Passage{Source: doc + " — " + c.HeadingPath(), Text: c.Text})
			}
			return out
		},
	})
}

// Render is a document as training text: plain text, or the conversation in the chat format.
func Render(d corpus.Doc) string {
	if d.Messages == nil {
		return d.Text
	}
	return template.Format(d.Messages, false)
}

// Tokenizer learns the recipe's vocabulary from its tokenizer documents.
func Tokenizer(ctx context.Context, r Recipe) (tokenizer.Vocab, *tokenizer.Tokenizer, error) {
	tr, err := tokenizer.NewBPETrainer("qwen2")
	if err != nil {
		return tokenizer.Vocab{}, nil, err
	}
	// The common Chinese characters are whole tokens even where the corpus seldom uses them,
	// so that a company's own words are characters the model has embeddings for.
	if r.WholeHan {
		tr.Whole(corpus.CommonHan()...)
	}
	tr.MaxHan(r.MaxHan)
	g := Generator(r, 0)
	for i := range r.TokDocs {
		if i%1000 == 0 && ctx.Err() != nil {
			return tokenizer.Vocab{}, nil, ctx.Err()
		}
		tr.Add(Render(g.Next()))
	}
	v, err := tr.Train(r.Vocab, template.SpecialTokens()...)
	if err != nil {
		return tokenizer.Vocab{}, nil, err
	}
	// The vocabulary is padded to exactly r.Vocab with unused tokens, so the shape is the recipe's.
	for i := 0; len(v.Tokens) < r.Vocab; i++ {
		v.Tokens = append(v.Tokens, "<|unused_"+strconv.Itoa(i)+"|>")
		v.Types = append(v.Types, tokenizer.TypeUnused)
	}
	if len(v.Tokens) != r.Vocab {
		return tokenizer.Vocab{}, nil, tutor.Errorf(tutor.EINTERNAL, "vocabulary of %d tokens, want %d", len(v.Tokens), r.Vocab)
	}
	if id, ok := tokenID(v, "<|im_end|>"); ok {
		v.EOT = id // ends a turn, as llama.cpp and Ollama read it
	}
	tok, err := tokenizer.New(v)
	return v, tok, err
}

func tokenID(v tokenizer.Vocab, s string) (int, bool) {
	for i, t := range v.Tokens {
		if t == s {
			return i, true
		}
	}
	return 0, false
}

// Data is the packed training and validation sequences and what they hold.
type Data struct {
	Train, Val []finetune.Example
	Docs       int            // documents generated
	Tokens     int64          // tokens packed
	Kinds      map[string]int // documents by kind/language
}

// dataset tokenizes the documents of g, ends each with the end-of-text token and packs whole
// documents into sequences of at most seqLen tokens: tokens worth for training, then valTokens
// for validation. Every token is learned, except, with answersOnly, the prompt of a reading or
// lookup example. A document never starts in one sequence and ends in
// the next, so an answer always sees its passages; a document longer than seqLen (rare) is cut
// into pieces of seqLen.
func dataset(ctx context.Context, g *corpus.Generator, seqLen int, tokens, valTokens int64, answersOnly bool, v tokenizer.Vocab, tok *tokenizer.Tokenizer) (Data, error) {
	d := Data{Kinds: map[string]int{}}
	var next []int32    // a generated document that did not fit the last sequence
	var nextMask []bool // which of its tokens are learned
	// A reading or lookup example learns its answer as a fine-tuning example does.
	answers := finetune.Formatter{
		Tokenize: func(text string, _, _ bool) []int { return tok.Encode(text, false) },
		Render: func(msgs []llm.Message, gen bool) (string, error) {
			return template.Format(msgs, gen), nil
		},
		EOS: -1,
	}
	fill := func(budget int64) ([]finetune.Example, error) {
		var out []finetune.Example
		var seq []int32
		var mask []bool
		emit := func() {
			out = append(out, finetune.Example{Tokens: seq, Mask: mask})
			d.Tokens += int64(len(seq))
			budget -= int64(len(seq))
			seq, mask = nil, nil
		}
		for budget > 0 {
			if next == nil {
				if d.Docs%1000 == 0 && ctx.Err() != nil {
					return nil, ctx.Err()
				}
				doc := g.Next()
				d.Docs++
				d.Kinds[string(doc.Kind)+"/"+doc.Lang]++
				if answersOnly && (doc.Kind == corpus.Reading || doc.Kind == corpus.Lookup) {
					ex, err := answers.Example(finetune.Record{Messages: doc.Messages})
					if err != nil {
						return nil, err
					}
					next, nextMask = ex.Tokens, ex.Mask
				} else {
					for _, id := range tok.Encode(Render(doc), false) {
						next, nextMask = append(next, int32(id)), append(nextMask, true)
					}
				}
				next, nextMask = append(next, int32(v.EOS)), append(nextMask, true)
			}
			switch {
			case len(seq)+len(next) <= seqLen:
				seq, mask, next, nextMask = append(seq, next...), append(mask, nextMask...), nil, nil
			case len(seq) > 0:
				emit()
			default: // longer than a sequence on its own
				seq, mask, next, nextMask = append(seq, next[:seqLen]...), append(mask, nextMask[:seqLen]...), next[seqLen:], nextMask[seqLen:]
				emit()
			}
			if len(seq) == seqLen {
				emit()
			}
		}
		if len(seq) > 0 {
			emit()
		}
		return out, nil
	}
	var err error
	if d.Train, err = fill(tokens); err != nil {
		return d, err
	}
	d.Val, err = fill(valTokens)
	return d, err
}
