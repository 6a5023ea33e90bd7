package rag

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuildPrompt(t *testing.T) {
	hits := []Hit{
		{Chunk: Chunk{DocName: "expense-policy.md", Heading: []string{"Expense Policy", "Hotels"}, Text: "RMB 650 per night."}},
		{Chunk: Chunk{DocName: "faq.txt", Text: "Ask HR."}},
	}
	msgs := BuildPrompt("What is the hotel limit?", hits, "en")
	if len(msgs) != 2 || msgs[0].Role != "system" || !strings.Contains(msgs[0].Content, "[n]") || strings.Contains(msgs[0].Content, "[1]") || !strings.Contains(msgs[0].Content, "do not cover") {
		t.Fatalf("system message %+v", msgs)
	}
	u := msgs[1].Content
	p1 := strings.Index(u, "(expense-policy.md — Expense Policy › Hotels)\n[1] RMB 650 per night.")
	p2 := strings.Index(u, "(faq.txt)\n[2] Ask HR.")
	q := strings.Index(u, "Question: What is the hotel limit?")
	if p1 < 0 || p2 < p1 || q < p2 {
		t.Fatalf("passages must come numbered before the question:\n%s", u)
	}
	if strings.Count(u, "[1]") != 1 || strings.Count(u, "[2]") != 1 {
		t.Fatalf("each passage number must occur once:\n%s", u)
	}
	if zh := BuildPrompt("住宿标准？", nil, "zh"); !strings.Contains(zh[0].Content, "引用") || !strings.Contains(zh[1].Content, "问题：住宿标准？") && !strings.Contains(zh[1].Content, "问题: 住宿标准？") {
		t.Errorf("zh prompt %+v", zh)
	}
}

func TestCitations(t *testing.T) {
	answer := "The limit is RMB 650 [2]. Meals are extra [1, 3]【2】 and [9] is not a passage; see [x]."
	if d := cmp.Diff([]int{2, 1, 3}, Citations(answer, 3)); d != "" {
		t.Errorf("citations (-want +got):\n%s", d)
	}
	segs := SplitCitations(answer, 3)
	var cites []int
	var text strings.Builder
	for _, s := range segs {
		text.WriteString(s.Text)
		if s.Cite > 0 {
			cites = append(cites, s.Cite)
		}
	}
	if d := cmp.Diff([]int{2, 1, 3, 2}, cites); d != "" {
		t.Errorf("segments (-want +got):\n%s", d)
	}
	if !strings.Contains(text.String(), "[9] is not a passage") {
		t.Errorf("out-of-range citation lost: %q", text.String())
	}
}

func FuzzCitations(f *testing.F) {
	f.Add("a [1] b [2, 3] 【4】", 3)
	f.Fuzz(func(t *testing.T, answer string, n int) {
		for _, c := range Citations(answer, n) {
			if c < 1 || c > n {
				t.Fatalf("citation %d outside 1..%d", c, n)
			}
		}
		SplitCitations(answer, n)
	})
}
