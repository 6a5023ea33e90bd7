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
// 1: training and validation documents). Reading examples are prompted exactly as the
// application prompts a model with retrieved passages, so the model learns to answer from them.
func Generator(r Recipe, stream uint64) *corpus.Generator {
	return corpus.New(corpus.Options{
		Seed: r.Seed*2 + stream,
		Prompt: func(ps []corpus.Passage, question, lang string) []llm.Message {
			hits := make([]rag.Hit, len(ps))
			for i, p := range ps {
				doc, heading, _ := strings.Cut(p.Source, " — ")
				hits[i].DocName, hits[i].Heading, hits[i].Text = doc, []string{heading}, p.Text
			}
			return rag.BuildPrompt(question, hits, lang)
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

// Dataset generates documents of stream 1, tokenizes them, separates them by the end-of-text
// token and packs the stream into sequences of r.SeqLen tokens that are learned in full:
// r.Tokens worth for training, then r.ValTokens for validation.
func Dataset(ctx context.Context, r Recipe, v tokenizer.Vocab, tok *tokenizer.Tokenizer) (Data, error) {
	g := Generator(r, 1)
	d := Data{Kinds: map[string]int{}}
	var buf []int32
	fill := func(budget int64) ([]finetune.Example, error) {
		var out []finetune.Example
		for n := int64(0); n+int64(r.SeqLen) <= budget; n += int64(r.SeqLen) {
			for len(buf) < r.SeqLen {
				if d.Docs%1000 == 0 && ctx.Err() != nil {
					return nil, ctx.Err()
				}
				doc := g.Next()
				d.Docs++
				d.Kinds[string(doc.Kind)+"/"+doc.Lang]++
				for _, id := range tok.Encode(Render(doc), false) {
					buf = append(buf, int32(id))
				}
				buf = append(buf, int32(v.EOS))
			}
			seq := append([]int32(nil), buf[:r.SeqLen]...)
			buf = buf[r.SeqLen:]
			mask := make([]bool, len(seq))
			for i := range mask {
				mask[i] = true
			}
			out = append(out, finetune.Example{Tokens: seq, Mask: mask})
			d.Tokens += int64(len(seq))
		}
		return out, nil
	}
	var err error
	if d.Train, err = fill(r.Tokens); err != nil {
		return d, err
	}
	d.Val, err = fill(r.ValTokens)
	return d, err
}
