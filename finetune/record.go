package finetune

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"tutor"
	"tutor/llm"
)

// Limits on uploaded datasets.
const (
	MaxLineBytes    = 4 << 20  // one JSONL line
	MaxDatasetBytes = 64 << 20 // one uploaded file
	MaxRecords      = 200_000
)

// Record is one training item before tokenization: a conversation whose assistant turns are
// learned, or plain text (continued pretraining) that is learned whole.
type Record struct {
	Messages []llm.Message `json:"messages,omitempty"`
	Text     string        `json:"text,omitempty"`
	Source   string        `json:"source,omitempty"` // where it came from: a file and line, a document
}

// Validate reports what makes a record unusable; field names the offending part.
func (r Record) Validate() error {
	if len(r.Messages) == 0 {
		if strings.TrimSpace(r.Text) == "" {
			return tutor.Errorf(tutor.EINVALID, "field %q: a record needs messages or text", "messages")
		}
		return nil
	}
	if r.Text != "" {
		return tutor.Errorf(tutor.EINVALID, "field %q: a record has either messages or text, not both", "text")
	}
	answers := 0
	for i, m := range r.Messages {
		switch m.Role {
		case "system":
			if i != 0 {
				return tutor.Errorf(tutor.EINVALID, "field \"messages[%d].role\": a system message must come first", i)
			}
		case "user":
		case "assistant":
			answers++
		default:
			return tutor.Errorf(tutor.EINVALID, "field \"messages[%d].role\": %q is not system, user or assistant", i, m.Role)
		}
		if strings.TrimSpace(m.Content) == "" {
			return tutor.Errorf(tutor.EINVALID, "field \"messages[%d].content\": empty", i)
		}
	}
	if answers == 0 {
		return tutor.Errorf(tutor.EINVALID, "field %q: no assistant message to learn", "messages")
	}
	if r.Messages[len(r.Messages)-1].Role != "assistant" {
		return tutor.Errorf(tutor.EINVALID, "field %q: the last message must be the assistant's answer", "messages")
	}
	return nil
}

// ParseJSONL reads chat JSONL ({"messages":[{"role":…,"content":…}]} per line, or {"text":…}
// for plain text). Blank lines are skipped; the first bad line fails the whole file with its
// line number, so nothing half-read is stored.
func ParseJSONL(r io.Reader, name string) ([]Record, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, MaxDatasetBytes+1), 64<<10)
	var out []Record
	read := 0
	for line := 1; ; line++ {
		b, err := readLine(br)
		read += len(b) + 1
		if err == errLineTooLong {
			return nil, tutor.Errorf(tutor.ETOOLARGE, "line %d: longer than %d bytes", line, MaxLineBytes)
		}
		if read > MaxDatasetBytes {
			return nil, tutor.Errorf(tutor.ETOOLARGE, "the dataset is larger than %d MiB", MaxDatasetBytes>>20)
		}
		if t := bytes.TrimSpace(b); len(t) > 0 {
			var rec Record
			dec := json.NewDecoder(bytes.NewReader(t))
			dec.DisallowUnknownFields()
			if derr := dec.Decode(&rec); derr != nil {
				return nil, tutor.Errorf(tutor.EINVALID, "line %d: %s", line, jsonProblem(derr))
			}
			if dec.More() {
				return nil, tutor.Errorf(tutor.EINVALID, "line %d: more than one JSON value on the line", line)
			}
			if verr := rec.Validate(); verr != nil {
				return nil, tutor.Errorf(tutor.EINVALID, "line %d: %s", line, tutor.ErrorMessage(verr))
			}
			rec.Source = sourceLine(name, line)
			if out = append(out, rec); len(out) > MaxRecords {
				return nil, tutor.Errorf(tutor.ETOOLARGE, "more than %d records", MaxRecords)
			}
		}
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, tutor.Wrap(err, tutor.EINVALID, "line %d: read", line)
		}
	}
}

var errLineTooLong = tutor.Errorf(tutor.ETOOLARGE, "line too long")

// readLine returns the next line without its newline; io.EOF comes with the last line.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > MaxLineBytes {
			return nil, errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSuffix(buf, []byte("\n")), err
	}
}

// jsonProblem words a decoding error with the field it concerns.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return "field \"" + te.Field + "\": expected " + te.Type.String() + ", got " + te.Value
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "field " + rest + ": unknown (want messages or text)"
	}
	return "not valid JSON: " + strings.TrimPrefix(msg, "json: ")
}

func sourceLine(name string, line int) string {
	if name == "" {
		name = "upload"
	}
	return name + ":" + itoa(line)
}

// WriteJSONL writes records as chat JSONL, one object per line, readable by HF TRL, Axolotl
// and torchtune as well as by ParseJSONL.
func WriteJSONL(w io.Writer, recs []Record) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		r.Source = ""
		if err := enc.Encode(r); err != nil {
			return tutor.Wrap(err, tutor.EINTERNAL, "write JSONL")
		}
	}
	return nil
}
