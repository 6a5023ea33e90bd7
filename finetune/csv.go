package finetune

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"tutor"
	"tutor/llm"
)

// ParseCSV reads question/answer pairs, one per row: question,answer (a header row naming
// those columns, in any order, is recognised and may add a system column). Errors name the
// line and the field.
func ParseCSV(r io.Reader, name string) ([]Record, error) {
	cr := csv.NewReader(io.LimitReader(r, MaxDatasetBytes))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	cols := map[string]int{"question": 0, "answer": 1, "system": -1}
	var out []Record
	for first := true; ; first = false {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, tutor.Errorf(tutor.EINVALID, "line %d: %v", pe.Line, pe.Err)
			}
			return nil, tutor.Wrap(err, tutor.EINVALID, "read CSV")
		}
		line, _ := cr.FieldPos(0)
		if first && isHeader(row) {
			for k := range cols {
				cols[k] = -1
			}
			for i, h := range row {
				h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
				if _, ok := cols[h]; ok {
					cols[h] = i
				}
			}
			if cols["question"] < 0 || cols["answer"] < 0 {
				return nil, tutor.Errorf(tutor.EINVALID, "line %d: the header needs question and answer columns", line)
			}
			continue
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		get := func(field string) (string, error) {
			i := cols[field]
			if i < 0 {
				return "", nil
			}
			if i >= len(row) {
				return "", tutor.Errorf(tutor.EINVALID, "line %d: field %q: missing (the row has %d columns)", line, field, len(row))
			}
			return strings.TrimSpace(row[i]), nil
		}
		rec := Record{Source: sourceLine(name, line)}
		sys, err := get("system")
		if err != nil {
			return nil, err
		}
		if sys != "" {
			rec.Messages = append(rec.Messages, llm.Message{Role: "system", Content: sys})
		}
		for _, f := range []string{"question", "answer"} {
			v, err := get(f)
			if err != nil {
				return nil, err
			}
			if v == "" {
				return nil, tutor.Errorf(tutor.EINVALID, "line %d: field %q: empty", line, f)
			}
			role := "user"
			if f == "answer" {
				role = "assistant"
			}
			rec.Messages = append(rec.Messages, llm.Message{Role: role, Content: v})
		}
		if out = append(out, rec); len(out) > MaxRecords {
			return nil, tutor.Errorf(tutor.ETOOLARGE, "more than %d records", MaxRecords)
		}
	}
}

func isHeader(row []string) bool {
	for _, h := range row {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "question", "answer":
			return true
		}
	}
	return false
}
