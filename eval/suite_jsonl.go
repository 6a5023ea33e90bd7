package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"tutor"
)

// parseJSONL reads one item per line; blank lines and lines starting with # are skipped.
func parseJSONL(name string, data []byte) (*Suite, locator, error) {
	s := &Suite{}
	var lines []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxSuiteBytes)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if len(s.Items) >= MaxItems {
			return nil, nil, tutor.Errorf(tutor.ETOOLARGE, "%s:%d: over the limit of %d items", name, n, MaxItems)
		}
		var it Item
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&it); err != nil {
			return nil, nil, tutor.Errorf(tutor.EINVALID, "%s:%d: %s", name, n, jsonMessage(err))
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, nil, tutor.Errorf(tutor.EINVALID, "%s:%d: one JSON object per line, found more", name, n)
		}
		s.Items = append(s.Items, it)
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, tutor.Wrap(err, tutor.EINVALID, "%s: read", name)
	}
	return s, func(i int, _ string) int { return lines[i] }, nil
}

// jsonMessage says what is wrong in a line, naming the field when the decoder knows it.
func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "field " + `"` + te.Field + `"` + ": want " + te.Type.String() + ", found " + te.Value
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + msg
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
