package tokenizer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzEncodeDecode(f *testing.F) {
	for _, s := range roundTripTexts {
		f.Add(s)
	}
	f.Add("<|im_start|>user\n你好<|im_end|>")
	f.Add("a\xffb\xe4\xb8")
	toks := tinyTokenizers(f)
	f.Fuzz(func(t *testing.T, s string) {
		for name, tok := range toks {
			ids := tok.Encode(s, true)
			for _, id := range ids {
				if id < 0 || id >= tok.VocabSize() {
					t.Fatalf("%s: id %d out of range", name, id)
				}
			}
			_ = tok.Decode(ids)
			d := tok.NewDecoder()
			for _, id := range ids {
				if p := d.Add(id); !utf8.ValidString(p) {
					t.Fatalf("%s: decoder gave invalid UTF-8 %q", name, p)
				}
			}
			// Invalid UTF-8 need not round-trip: llama.cpp itself reads a stray lead byte together
			// with the bytes after it, and byte-level BPE turns it into U+FFFD.
			if hasSpecialText(tok, s) || !utf8.ValidString(s) {
				continue
			}
			if got := tok.Decode(ids); got != s {
				t.Fatalf("%s: Decode(Encode(%q)) = %q, ids %v", name, s, got, ids)
			}
		}
	})
}

// hasSpecialText reports whether s contains the text of a special token, which Encode parses.
func hasSpecialText(tok *Tokenizer, s string) bool {
	for _, id := range tok.special {
		if strings.Contains(s, tok.texts[id]) {
			return true
		}
	}
	return false
}
