package rag

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"tutor/llm"
)

// PromptPassages is how many retrieved passages a RAG answer is given: on the Compare page and,
// unless asked otherwise, in evaluations, so that these measure what the page shows.
const PromptPassages = 5

// Prompt instructions in each language of the web app.
var promptInstructions = map[string]string{
	"en": "Answer the question using only the numbered passages below. Cite the passages you use " +
		"by their numbers in square brackets, as [n]. If the passages do not cover the " +
		"question, say so plainly instead of guessing.",
	"zh": "请只根据下面编号的资料回答问题。引用资料时在句末用方括号标注编号，形如 [n]。" +
		"如果资料中没有答案，请直接说明资料未涉及，不要猜测。",
}

// BuildPrompt returns the messages that ask a model to answer question from hits: a system
// message with the instructions, then one user message with the passages before the question,
// each its document and heading path in parentheses on a line of its own, then its number as
// [n] and its text. Passage n is hits[n-1]. lang picks the language of the instructions (en or
// zh; anything else: en).
//
// The number stands right before the text, and the instructions show no real number, so that
// "[n]" occurs once in the prompt and leads straight into its passage: a small model that
// answers by quoting a passage from its number on then continues into the text, where a
// source line between them (shared in part by every passage of one document) is where its
// copy went astray.
func BuildPrompt(question string, hits []Hit, lang string) []llm.Message {
	instr, ok := promptInstructions[lang]
	if !ok {
		instr = promptInstructions["en"]
	}
	var b strings.Builder
	label, qlabel := "Passages", "Question"
	if lang == "zh" {
		label, qlabel = "资料", "问题"
	}
	b.WriteString(label + ":\n\n")
	for i, h := range hits {
		src := h.DocName
		if p := h.HeadingPath(); p != "" {
			src += " — " + p
		}
		fmt.Fprintf(&b, "(%s)\n[%d] %s\n\n", src, i+1, strings.TrimSpace(h.Text))
	}
	if len(hits) == 0 {
		if lang == "zh" {
			b.WriteString("（没有检索到相关资料）\n\n")
		} else {
			b.WriteString("(no passages were found)\n\n")
		}
	}
	b.WriteString(qlabel + ": " + strings.TrimSpace(question))
	return []llm.Message{{Role: "system", Content: instr}, {Role: "user", Content: b.String()}}
}

var citationRE = regexp.MustCompile(`\[(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]|【(\d{1,3})】`)

// Citations returns the passage numbers an answer cites as [n], [n, m] or 【n】, in order of
// first appearance, keeping only numbers from 1 to passages.
func Citations(answer string, passages int) []int {
	seen := map[int]bool{}
	var out []int
	for _, m := range citationRE.FindAllStringSubmatch(answer, -1) {
		group := m[1] + m[2]
		for _, f := range strings.FieldsFunc(group, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
			n, err := strconv.Atoi(f)
			if err == nil && n >= 1 && n <= passages && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// Segment is a piece of an answer: text, or a citation of passage Cite (1-based).
type Segment struct {
	Text string
	Cite int // 0 for plain text
}

// SplitCitations cuts an answer into text and citation segments, so a page can link each
// [n] to its passage. Citations of numbers outside 1..passages stay plain text.
func SplitCitations(answer string, passages int) []Segment {
	var out []Segment
	last := 0
	for _, loc := range citationRE.FindAllStringSubmatchIndex(answer, -1) {
		nums := Citations(answer[loc[0]:loc[1]], passages)
		if len(nums) == 0 {
			continue
		}
		if loc[0] > last {
			out = append(out, Segment{Text: answer[last:loc[0]]})
		}
		sort.Ints(nums)
		for _, n := range nums {
			out = append(out, Segment{Text: "[" + strconv.Itoa(n) + "]", Cite: n})
		}
		last = loc[1]
	}
	if last < len(answer) {
		out = append(out, Segment{Text: answer[last:]})
	}
	return out
}
