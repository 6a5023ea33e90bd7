package finetune

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"tutor"
	"tutor/llm"
)

// RenderFunc formats chat messages with a model's chat template; with addGenerationPrompt the
// text ends where the assistant's answer begins.
type RenderFunc func(msgs []llm.Message, addGenerationPrompt bool) (string, error)

// Formatter turns records into training sequences the way the model will be prompted.
type Formatter struct {
	// Tokenize is the model's tokenizer (llama.cpp semantics: addSpecial adds BOS,
	// parseSpecial turns written special tokens such as <|im_start|> into single tokens).
	Tokenize func(text string, addSpecial, parseSpecial bool) []int
	Render   RenderFunc
	// EOS, when ≥ 0, is appended to every answer and learned, so the tuned model stops; set it
	// when the template does not end the assistant's turn with an end-of-generation token.
	EOS int
	// EndText, when set, follows the last answer and is learned: the next turn's marker of a
	// format whose turns end with no token of their own, which its stop texts then catch.
	EndText string
	MaxLen  int // longer sequences are cut to this length (and reported)
}

// Stats summarise a tokenized dataset.
type Stats struct {
	Records       int      `json:"records"`
	Examples      int      `json:"examples"`
	Tokens        int      `json:"tokens"`
	LearnedTokens int      `json:"learned_tokens"`
	MaxLen        int      `json:"max_len"`
	MeanLen       float64  `json:"mean_len"`
	Truncated     []string `json:"truncated,omitempty"` // "source: N tokens cut to M"
	Skipped       []string `json:"skipped,omitempty"`   // "source: reason"
}

// Build tokenizes records. A sequence longer than MaxLen is cut and listed in Truncated; one
// left with nothing to learn is skipped and listed in Skipped. Only a broken template fails.
func (f Formatter) Build(recs []Record) ([]Example, Stats, error) {
	st := Stats{Records: len(recs)}
	var out []Example
	for _, r := range recs {
		ex, err := f.Example(r)
		if err != nil {
			return nil, st, err
		}
		if n := len(ex.Tokens); f.MaxLen > 0 && n > f.MaxLen {
			ex.Tokens, ex.Mask = ex.Tokens[:f.MaxLen], ex.Mask[:f.MaxLen]
			st.Truncated = append(st.Truncated, fmt.Sprintf("%s: %d tokens cut to %d", r.Source, n, f.MaxLen))
		}
		learned := ex.lossTokens(len(ex.Tokens))
		if learned == 0 {
			st.Skipped = append(st.Skipped, r.Source+": nothing left to learn within the context")
			continue
		}
		out = append(out, ex)
		st.Examples++
		st.Tokens += len(ex.Tokens)
		st.LearnedTokens += learned
		st.MaxLen = max(st.MaxLen, len(ex.Tokens))
	}
	if st.Examples > 0 {
		st.MeanLen = float64(st.Tokens) / float64(st.Examples)
	}
	return out, st, nil
}

// Example tokenizes one record: plain text is learned whole; in a conversation only the
// assistant's turns are learned. The whole conversation is tokenized at once, as at inference.
func (f Formatter) Example(r Record) (Example, error) {
	if err := r.Validate(); err != nil {
		return Example{}, tutor.Errorf(tutor.EINVALID, "%s: %s", r.Source, tutor.ErrorMessage(err))
	}
	if len(r.Messages) == 0 {
		ids := f.Tokenize(r.Text, true, false)
		ex := Example{Tokens: toInt32(ids), Mask: make([]bool, len(ids))}
		for i := range ex.Mask {
			ex.Mask[i] = true
		}
		f.appendEOS(&ex)
		return ex, nil
	}
	full, err := f.Render(r.Messages, false)
	if err != nil {
		return Example{}, tutor.Wrap(err, tutor.EINVALID, "%s: chat template", r.Source)
	}
	full += f.EndText
	ids := f.Tokenize(full, true, true)
	ex := Example{Tokens: toInt32(ids), Mask: make([]bool, len(ids))}
	for i, m := range r.Messages {
		if m.Role != "assistant" {
			continue
		}
		prompt, err1 := f.Render(r.Messages[:i], true)
		upto, err2 := f.Render(r.Messages[:i+1], false)
		if err1 != nil || err2 != nil || !strings.HasPrefix(full, upto) || !strings.HasPrefix(upto, prompt) {
			return Example{}, tutor.Errorf(tutor.EINVALID, "%s: the chat template does not render the conversation turn by turn; answers cannot be told apart", r.Source)
		}
		from := commonPrefix(ids, f.Tokenize(prompt, true, true))
		to := len(ids)
		if i < len(r.Messages)-1 {
			to = commonPrefix(ids, f.Tokenize(upto, true, true))
		}
		for t := from; t < to; t++ {
			ex.Mask[t] = true
		}
	}
	f.appendEOS(&ex)
	return ex, nil
}

func (f Formatter) appendEOS(ex *Example) {
	if f.EOS >= 0 && (len(ex.Tokens) == 0 || ex.Tokens[len(ex.Tokens)-1] != int32(f.EOS)) {
		ex.Tokens = append(ex.Tokens, int32(f.EOS))
		ex.Mask = append(ex.Mask, true)
	}
}

func commonPrefix(a, b []int) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func toInt32(ids []int) []int32 {
	out := make([]int32, len(ids))
	for i, v := range ids {
		out[i] = int32(v)
	}
	return out
}

// Split shuffles records with seed and holds out valFraction of them (at least one when the
// fraction is positive and there are two or more) for validation.
func Split(recs []Record, valFraction float64, seed uint64) (train, val []Record) {
	perm := rand.New(rand.NewPCG(seed, 0x5b1)).Perm(len(recs))
	nVal := int(valFraction*float64(len(recs)) + 0.5)
	if valFraction > 0 && nVal == 0 && len(recs) >= 2 {
		nVal = 1
	}
	nVal = min(nVal, len(recs)-1)
	for i, j := range perm {
		if i < nVal {
			val = append(val, recs[j])
		} else {
			train = append(train, recs[j])
		}
	}
	return train, val
}

// Segment is a run of a previewed sequence, learned or context.
type Segment struct {
	Text    string `json:"text"`
	Learned bool   `json:"learned"`
}

// Preview decodes an example into runs of context and learned text, to show what the loss
// sees.
func Preview(ex Example, decode func([]int) string) []Segment {
	var out []Segment
	start := 0
	for t := 1; t <= len(ex.Tokens); t++ {
		if t == len(ex.Tokens) || ex.Mask[t] != ex.Mask[start] {
			ids := make([]int, 0, t-start)
			for _, id := range ex.Tokens[start:t] {
				ids = append(ids, int(id))
			}
			out = append(out, Segment{Text: decode(ids), Learned: ex.Mask[start]})
			start = t
		}
	}
	return out
}
