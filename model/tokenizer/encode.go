package tokenizer

import "strings"

// Encode tokenizes text as Ollama's runner does (llama_tokenize with parse_special): special
// and control tokens written in text, such as <|im_start|>, become single tokens. With
// addSpecial it adds BOS and EOS as the vocabulary's flags say.
func (t *Tokenizer) Encode(text string, addSpecial bool) []int {
	return t.Tokenize(text, addSpecial, true)
}

// Tokenize is llama.cpp's llama_tokenize. Without parseSpecial, control and unknown tokens
// written in text are tokenized as plain text (user-defined ones are still matched), which is
// how untrusted text should be encoded.
func (t *Tokenizer) Tokenize(text string, addSpecial, parseSpecial bool) []int {
	var frags []fragment
	if text != "" {
		frags = t.partition(text, parseSpecial)
	}
	var out []int
	if addSpecial && t.v.AddBOS {
		out = append(out, t.v.BOS)
	}
	prevSpecial := true
	for _, f := range frags {
		switch {
		case f.id >= 0:
			out = append(out, f.id)
			prevSpecial = true
		case t.spm:
			s := f.text
			if t.v.AddSpacePrefix && prevSpecial {
				s = " " + s
			}
			out = t.encodeSPM(strings.ReplaceAll(s, " ", "\u2581"), out)
			prevSpecial = false
		default:
			out = t.encodeBPE(f.text, out)
		}
	}
	if addSpecial && t.v.AddEOS {
		out = append(out, t.v.EOS)
	}
	return out
}

// fragment is a piece of the input: raw text (id < 0) or one special token.
type fragment struct {
	text string
	id   int
}

// partition splits text at the special tokens it contains, longest token first, as
// llama.cpp's tokenizer_st_partition does.
func (t *Tokenizer) partition(text string, parseSpecial bool) []fragment {
	frags := []fragment{{text: text, id: -1}}
	for _, id := range t.special {
		if !parseSpecial && t.attrs[id]&(attrControl|attrUnknown) != 0 {
			continue
		}
		tok := t.texts[id]
		var next []fragment
		for _, f := range frags {
			if f.id >= 0 || !strings.Contains(f.text, tok) {
				next = append(next, f)
				continue
			}
			s := f.text
			for {
				i := strings.Index(s, tok)
				if i < 0 {
					break
				}
				if i > 0 {
					next = append(next, fragment{text: s[:i], id: -1})
				}
				next = append(next, fragment{id: id})
				s = s[i+len(tok):]
			}
			if s != "" {
				next = append(next, fragment{text: s, id: -1})
			}
		}
		frags = next
	}
	return frags
}
