package tokenizer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// piece renders token id as llama.cpp's llama_token_to_piece with special rendering on.
func (t *Tokenizer) piece(id int) string {
	a, text := t.attrs[id], t.texts[id]
	if a&(attrUnknown|attrControl|attrUserDefined) != 0 {
		return text
	}
	if t.spm {
		switch {
		case a&attrNormal != 0:
			return strings.ReplaceAll(text, "\u2581", " ")
		case a&attrByte != 0:
			return string([]byte{byteValue(text)})
		}
		return ""
	}
	if a&attrNormal == 0 {
		return ""
	}
	var b []byte
	for _, r := range codepoints(text) {
		if c, ok := charByte[r]; ok {
			b = append(b, c)
			continue
		}
		b = append(b, "[UNK_BYTE_0x"...)
		for _, c := range appendCpt(nil, r) {
			b = append(b, fmt.Sprintf("%02x", c)...)
		}
		b = append(b, text+"]"...)
	}
	return string(b)
}

// byteValue reads the byte of a <0xXX> token as llama.cpp does (strtol of the two hex digits).
func byteValue(text string) byte {
	if len(text) < 4 {
		return 0
	}
	hex := text[3:min(5, len(text))]
	n := 0
	for n < len(hex) && strings.ContainsRune("0123456789abcdefABCDEF", rune(hex[n])) {
		n++
	}
	v, _ := strconv.ParseUint(hex[:n], 16, 8)
	return byte(v)
}

// Piece returns the bytes token id stands for, as Ollama's runner streams it: control and
// user-defined tokens as their text, byte tokens as their byte (so a piece may be part of a
// UTF-8 sequence), trailing NUL bytes removed. An id outside the vocabulary gives "".
func (t *Tokenizer) Piece(id int) string {
	if id < 0 || id >= len(t.pieces) {
		return ""
	}
	return strings.TrimRight(t.pieces[id], "\x00")
}

// Decode returns the text of ids: control and unknown tokens are left out, byte tokens join
// into characters, and the space the SentencePiece space prefix added in front of the text is
// removed, so Decode(Encode(s, true)) == s for text without special tokens. Invalid ids are
// skipped.
func (t *Tokenizer) Decode(ids []int) string {
	var b strings.Builder
	first := true
	for _, id := range ids {
		if id < 0 || id >= len(t.pieces) || t.attrs[id]&(attrUnknown|attrControl) != 0 {
			continue
		}
		p := t.pieces[id]
		if first && t.v.AddSpacePrefix {
			p = strings.TrimPrefix(p, " ")
		}
		first = false
		b.WriteString(p)
	}
	return b.String()
}

// Decoder turns a stream of generated tokens into text the way Ollama's runner does: pieces
// are held back while they end in an incomplete UTF-8 sequence (so <0xE4><0xB8><0xAD> comes
// out as one 中), and released text is cut to its longest valid UTF-8 prefix.
type Decoder struct {
	t       *Tokenizer
	pending []byte
}

// NewDecoder returns a streaming decoder over t.
func (t *Tokenizer) NewDecoder() *Decoder { return &Decoder{t: t} }

// Add appends token id and returns the text that is complete now, possibly "".
func (d *Decoder) Add(id int) string {
	d.pending = append(d.pending, d.t.Piece(id)...)
	if incompleteUTF8(d.pending) {
		return ""
	}
	return d.Flush()
}

// Flush returns what is held back, cut to valid UTF-8, and empties the decoder; call it when
// generation ends.
func (d *Decoder) Flush() string {
	p := d.pending
	d.pending = d.pending[:0]
	for !utf8.Valid(p) {
		p = p[:len(p)-1]
	}
	return string(p)
}

// Pending reports how many bytes are held back.
func (d *Decoder) Pending() int { return len(d.pending) }

// incompleteUTF8 reports whether b ends inside a UTF-8 sequence, as Ollama's
// common.IncompleteUnicode.
func incompleteUTF8(b []byte) bool {
	incomplete := false
	for i := 1; i < 5 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c&0xC0 == 0x80 {
			continue
		}
		switch {
		case c&0xE0 == 0xC0:
			incomplete = i < 2
		case c&0xF0 == 0xE0:
			incomplete = i < 3
		case c&0xF8 == 0xF0:
			incomplete = i < 4
		}
		break
	}
	return incomplete
}
