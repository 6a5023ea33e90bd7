package preset

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tutor/demo"
	"tutor/finetune"
)

// TestDatasetAsksSomeAnswersWithPassages: the preset's dataset is demo.Preset, then one answer
// in ragEvery of the written pairs asked again in the RAG prompt, the same on every call. Each
// such example asks one of that answer's own questions with one or two passages of the demo
// documents, answers with the written answer and cites a passage that holds one of the
// answer's numbers (where it has any the documents hold; all but one in thirty), which stands
// first about half of the time.
func TestDatasetAsksSomeAnswersWithPassages(t *testing.T) {
	data := Dataset()
	rest, ok := bytes.CutPrefix(data, demo.Preset)
	if !ok || !bytes.Equal(ragExamples(demo.PresetPairs), rest) {
		t.Fatal("the dataset is not demo.Preset and then the same RAG examples on every call")
	}
	recs, err := finetune.ParseJSONL(bytes.NewReader(rest), "rag")
	if err != nil {
		t.Fatal(err)
	}
	answers := groupAnswers(demo.PresetPairs)
	if want := (len(answers) + ragEvery - 1) / ragEvery; len(recs) < want*9/10 || len(recs) > want {
		t.Fatalf("%d examples with passages, want about %d (one answer in %d of %d)", len(recs), want, ragEvery, len(answers))
	}
	asked := map[string][]string{}
	for _, a := range answers {
		asked[a.answer] = a.questions
	}
	var docs strings.Builder
	names, _ := fs.Glob(demo.Docs, "*")
	for _, n := range names {
		b, _ := fs.ReadFile(demo.Docs, n)
		docs.Write(b)
	}
	numbers := regexp.MustCompile(`\d{2,}`)
	passage := regexp.MustCompile(`(?m)^\((.+)\)\n\[(\d)\] `)
	question := regexp.MustCompile(`(?:Question|问题): (.+)$`)
	first, two := 0, 0
	var misses []string
	for i, r := range recs {
		if len(r.Messages) != 3 || r.Messages[0].Role != "system" || r.Messages[1].Role != "user" || r.Messages[2].Role != "assistant" {
			t.Fatalf("example %d: roles %+v, want system, user, assistant", i+1, r.Messages)
		}
		user, reply := r.Messages[1].Content, r.Messages[2].Content
		m := regexp.MustCompile(` \[(\d)\]$`).FindStringSubmatchIndex(reply)
		if m == nil {
			t.Fatalf("example %d: the answer %q does not end citing a passage", i+1, reply)
		}
		answer, cite := reply[:m[0]], reply[m[2]:m[3]]
		q := question.FindStringSubmatch(user)
		if q == nil || !slices.Contains(asked[answer], q[1]) {
			t.Fatalf("example %d: %q is not a written answer asked by its question:\n%s", i+1, answer, user)
		}
		heads := passage.FindAllStringSubmatchIndex(user, -1)
		if len(heads) == 0 || len(heads) > 2 {
			t.Fatalf("example %d: %d passages, want one or two:\n%s", i+1, len(heads), user)
		}
		if len(heads) == 2 {
			two++
		}
		cited := ""
		for j, h := range heads {
			if user[h[4]:h[5]] != strconv.Itoa(j+1) {
				t.Fatalf("example %d: passage %d is numbered %s", i+1, j+1, user[h[4]:h[5]])
			}
			end := strings.LastIndex(user, "\n\n") // before the question
			if j+1 < len(heads) {
				end = heads[j+1][0]
			}
			if user[h[4]:h[5]] == cite {
				cited = user[h[1]:end]
			}
		}
		if cited == "" {
			t.Fatalf("example %d cites [%s] of %d passages", i+1, cite, len(heads))
		}
		if cite == "1" {
			first++
		}
		var known []string
		for _, n := range numbers.FindAllString(answer, -1) {
			if strings.Contains(docs.String(), n) {
				known = append(known, n)
			}
		}
		if len(known) > 0 && !slices.ContainsFunc(known, func(n string) bool { return strings.Contains(cited, n) }) {
			misses = append(misses, fmt.Sprintf("example %d: the cited passage holds none of the answer's numbers %q:\n%s\n→ %s", i+1, known, cited, answer))
		}
	}
	// An answer may join facts of two passages (probation's length in the English handbook, its
	// pay in the Chinese one), so one in thirty may cite a passage without the number.
	if len(misses)*30 > len(recs) {
		t.Errorf("%d of %d examples cite a passage without the answer's numbers:\n%s", len(misses), len(recs), strings.Join(misses, "\n"))
	}
	if first*10 < len(recs)*3 || first*10 > len(recs)*7 {
		t.Errorf("%d of %d examples cite passage 1, want about half", first, len(recs))
	}
	if two*10 < len(recs)*8 {
		t.Errorf("%d of %d examples have two passages, want most", two, len(recs))
	}
}
