package rag

import (
	"bytes"
	"strconv"
)

// A minimal lexer and object parser for PDF syntax (ISO 32000-1 §7.2–7.3): enough to read
// objects, dictionaries, streams and content-stream operators from untrusted files. Every
// loop is bounded by the input length and nesting by pdfMaxDepth.

const pdfMaxDepth = 64

type pdfName string

type pdfRef struct{ num, gen int }

type pdfDict map[pdfName]any

type pdfOp string // a content-stream operator or an unknown keyword

type pdfStream struct {
	dict pdfDict
	data []byte // raw (still encoded) bytes
}

type pdfLexer struct {
	b   []byte
	pos int
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelim(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if isPDFSpace(c) {
			l.pos++
		} else if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		} else {
			return
		}
	}
}

// next returns the next object or operator; nil at the end. Closing delimiters are returned
// as pdfOp("]") and pdfOp(">>").
func (l *pdfLexer) next(depth int) any {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil
	}
	c := l.b[l.pos]
	switch {
	case c == '/':
		l.pos++
		start := l.pos
		for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
			l.pos++
		}
		return pdfName(decodeNameEscapes(l.b[start:l.pos]))
	case c == '(':
		return l.literalString()
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return l.dict(depth + 1)
	case c == '<':
		return l.hexString()
	case c == '[':
		l.pos++
		return l.array(depth + 1)
	case c == ']':
		l.pos++
		return pdfOp("]")
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return pdfOp(">>")
	case c == '{' || c == '}' || c == '>' || c == ')':
		l.pos++
		return pdfOp(string(c))
	}
	start := l.pos
	for l.pos < len(l.b) && !isPDFSpace(l.b[l.pos]) && !isPDFDelim(l.b[l.pos]) {
		l.pos++
	}
	tok := string(l.b[start:l.pos])
	if n, err := strconv.ParseFloat(tok, 64); err == nil && (tok[0] == '-' || tok[0] == '+' || tok[0] == '.' || (tok[0] >= '0' && tok[0] <= '9')) {
		return n
	}
	switch tok {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	return pdfOp(tok)
}

// object reads one object, folding "n g R" into a reference.
func (l *pdfLexer) object(depth int) any {
	o := l.next(depth)
	if n, ok := o.(float64); ok && n == float64(int(n)) && n >= 0 {
		save := l.pos
		if g, ok := l.next(depth).(float64); ok && g == float64(int(g)) && g >= 0 {
			if op, ok := l.next(depth).(pdfOp); ok && op == "R" {
				return pdfRef{int(n), int(g)}
			}
		}
		l.pos = save
	}
	return o
}

func (l *pdfLexer) array(depth int) []any {
	var out []any
	if depth > pdfMaxDepth {
		l.pos = len(l.b)
		return out
	}
	for l.pos < len(l.b) {
		o := l.object(depth)
		if op, ok := o.(pdfOp); ok && op == "]" {
			return out
		}
		if o == nil && l.pos >= len(l.b) {
			return out
		}
		out = append(out, o)
	}
	return out
}

func (l *pdfLexer) dict(depth int) pdfDict {
	d := pdfDict{}
	if depth > pdfMaxDepth {
		l.pos = len(l.b)
		return d
	}
	for l.pos < len(l.b) {
		k := l.next(depth)
		if op, ok := k.(pdfOp); ok && op == ">>" {
			return d
		}
		name, ok := k.(pdfName)
		if !ok {
			if k == nil && l.pos >= len(l.b) {
				return d
			}
			continue
		}
		v := l.object(depth)
		if op, ok := v.(pdfOp); ok && op == ">>" {
			return d
		}
		d[name] = v
	}
	return d
}

func (l *pdfLexer) literalString() []byte {
	l.pos++ // (
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return out
			}
		case '\\':
			if l.pos >= len(l.b) {
				return out
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func (l *pdfLexer) hexString() []byte {
	l.pos++ // <
	var out []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := hexVal(c)
		if !ok {
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	return out
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func decodeNameEscapes(b []byte) string {
	if bytes.IndexByte(b, '#') < 0 {
		return string(b)
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			h, ok1 := hexVal(b[i+1])
			lo, ok2 := hexVal(b[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}
