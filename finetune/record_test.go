package finetune

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"tutor"
	"tutor/llm"
)

func TestParseJSONL(t *testing.T) {
	in := `{"messages":[{"role":"user","content":"Who signs expenses?"},{"role":"assistant","content":"Your team lead."}]}

{"text":"The office opens at 8."}
`
	recs, err := ParseJSONL(strings.NewReader(in), "qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{
		{Messages: []llm.Message{{Role: "user", Content: "Who signs expenses?"}, {Role: "assistant", Content: "Your team lead."}}, Source: "qa.jsonl:1"},
		{Text: "The office opens at 8.", Source: "qa.jsonl:3"},
	}
	if d := cmp.Diff(want, recs); d != "" {
		t.Fatal(d)
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, recs); err != nil {
		t.Fatal(err)
	}
	again, err := ParseJSONL(&buf, "qa.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	again[1].Source = "qa.jsonl:3"
	if d := cmp.Diff(want, again); d != "" {
		t.Fatalf("round trip: %s", d)
	}
}

func TestParseJSONLErrors(t *testing.T) {
	good := `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`
	for _, tc := range []struct{ name, in, want string }{
		{"broken json", good + "\n" + `{"messages":[`, "line 2: not valid JSON"},
		{"bad role", good + "\n\n" + `{"messages":[{"role":"bot","content":"a"}]}`, `line 3: field "messages[0].role": "bot"`},
		{"empty content", `{"messages":[{"role":"user","content":""},{"role":"assistant","content":"a"}]}`, `line 1: field "messages[0].content": empty`},
		{"no answer", `{"messages":[{"role":"user","content":"q"}]}`, `line 1: field "messages": no assistant`},
		{"wrong type", `{"messages":"hello"}`, `line 1: field "messages": expected`},
		{"unknown field", `{"prompt":"q"}`, `line 1: field "prompt": unknown`},
		{"empty object", `{}`, `line 1: field "messages"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseJSONL(strings.NewReader(tc.in), "f")
			if tutor.ErrorCode(err) != tutor.EINVALID || !strings.Contains(tutor.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseCSV(t *testing.T) {
	in := "answer,question\n\"Your team lead, by Friday.\",Who signs expenses?\nAt 8.,When does the office open?\n"
	recs, err := ParseCSV(strings.NewReader(in), "qa.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Messages[1].Content != "Your team lead, by Friday." || recs[1].Messages[0].Content != "When does the office open?" || recs[1].Source != "qa.csv:3" {
		t.Fatalf("recs = %+v", recs)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"missing answer", "What?\n", `line 1: field "answer": missing`},
		{"empty question", "q,a\n ,a\n", `line 2: field "question": empty`},
		{"bad quote", "q,a\n\"x,a\n", `line 2`},
	} {
		_, err := ParseCSV(strings.NewReader(tc.in), "f")
		if tutor.ErrorCode(err) != tutor.EINVALID || !strings.Contains(tutor.ErrorMessage(err), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func FuzzParseJSONL(f *testing.F) {
	f.Add(`{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`)
	f.Add(`{"text":"x"}` + "\n" + `{"messages":[`)
	f.Add(`{"messages":[{"role":"system","content":"s"},{"role":"user"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := ParseJSONL(strings.NewReader(in), "f")
		if err != nil {
			if !strings.HasPrefix(tutor.ErrorMessage(err), "line ") && tutor.ErrorCode(err) != tutor.ETOOLARGE {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, r := range recs {
			if err := r.Validate(); err != nil {
				t.Fatalf("accepted an invalid record: %v", err)
			}
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add("question,answer\nq,a\n")
	f.Add("q,\"a\nb\"\n")
	f.Add("system,question,answer\ns,q,a\n")
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := ParseCSV(strings.NewReader(in), "f")
		if err != nil {
			if !strings.HasPrefix(tutor.ErrorMessage(err), "line ") {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, r := range recs {
			if err := r.Validate(); err != nil {
				t.Fatalf("accepted an invalid record: %v", err)
			}
		}
	})
}
