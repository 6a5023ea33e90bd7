package rag

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestSplitFollowsHeadings(t *testing.T) {
	text := "# 费用报销制度\n\n总则。\n\n## 一、差旅\n\n住宿标准：上海每晚650元。交通：高铁二等座！\n\n## 二、餐费\n\n每天100元。\n\n# Other\n\nEnglish text. Second sentence."
	chunks := Split(text, ChunkOptions{MaxTokens: 200})
	var got [][]string
	for _, c := range chunks {
		got = append(got, append(c.Heading, c.Text))
		if text[c.Start:c.End] != c.Text {
			t.Errorf("chunk %d: offsets %d:%d do not match its text", c.Seq, c.Start, c.End)
		}
	}
	want := [][]string{
		{"费用报销制度", "总则。"},
		{"费用报销制度", "一、差旅", "住宿标准：上海每晚650元。交通：高铁二等座！"},
		{"费用报销制度", "二、餐费", "每天100元。"},
		{"Other", "English text. Second sentence."},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("chunks (-want +got):\n%s", d)
	}
}

func TestSplitBoundsAndOverlap(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Long\n\n")
	for i := range 60 {
		b.WriteString("这是第" + string(rune('一'+i%10)) + "句话，内容很长很长很长。")
		if i%7 == 6 {
			b.WriteString("\n\n")
		}
	}
	text := b.String()
	opt := ChunkOptions{MaxTokens: 40, OverlapTokens: 20} // sentences are 16 tokens: one repeats
	chunks := Split(text, opt)
	if len(chunks) < 10 {
		t.Fatalf("%d chunks, want many", len(chunks))
	}
	for i, c := range chunks {
		if n := countTokens(c.Text); n > opt.MaxTokens {
			t.Errorf("chunk %d has %d tokens, over %d", i, n, opt.MaxTokens)
		}
		if i > 0 && c.Start >= chunks[i-1].End {
			t.Errorf("chunk %d starts at %d, after the previous end %d: no overlap", i, c.Start, chunks[i-1].End)
		}
		if i > 0 && c.Start <= chunks[i-1].Start {
			t.Errorf("chunk %d does not advance", i)
		}
	}
	if last := chunks[len(chunks)-1]; last.End != len(strings.TrimRight(text, "\n")) {
		t.Errorf("last chunk ends at %d of %d", last.End, len(text))
	}
}

func TestSplitCutsOverlongSentence(t *testing.T) {
	text := strings.Repeat("word ", 500)
	for _, c := range Split(text, ChunkOptions{MaxTokens: 50, OverlapTokens: -1}) {
		if n := countTokens(c.Text); n > 50 {
			t.Fatalf("chunk of %d tokens", n)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("# A\n\nb. c。d\n\n## E\nf", 20, 5)
	f.Fuzz(func(t *testing.T, text string, maxTok, overlap int) {
		if !utf8.ValidString(text) {
			return
		}
		opt := ChunkOptions{MaxTokens: 1 + abs(maxTok)%300, OverlapTokens: overlap % 100}
		prev := -1
		for _, c := range Split(text, opt) {
			if c.Start < 0 || c.End > len(text) || c.Start >= c.End || text[c.Start:c.End] != c.Text {
				t.Fatalf("bad offsets %d:%d", c.Start, c.End)
			}
			if c.Start <= prev {
				t.Fatalf("chunk at %d does not advance past %d", c.Start, prev)
			}
			prev = c.Start
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
