package eval

import (
	"math"
	"path"
	"strings"

	"tutor/rag"
)

// Metric names, as stored and reported. A metric that does not apply to an item is absent,
// never zero.
const (
	MPass          = "pass"           // 1 when the item's bar is met: keywords (in scope) or a refusal (out of scope)
	MKeywordRecall = "keyword_recall" // share of keyword requirements met
	MCitation      = "citation"       // RAG answers to in-scope items: 1 when a cited passage is from the item's source document
	MTokenF1       = "token_f1"       // bag-of-tokens F1 against the reference
	MRougeL        = "rouge_l"        // longest-common-subsequence F1 against the reference
	MSimilarity    = "similarity"     // embedding cosine between answer and reference
	MRefusal       = "refusal"        // out-of-scope items: 1 when the answer declines
	MFaithfulness  = "faithfulness"   // RAG answers: share of sentences supported by the passages
	MJudge         = "judge"          // judge's rubric score mapped to 0..1
	MJudgeWin      = "judge_win"      // pairwise against the baseline variant: 1 win, 0.5 tie, 0 loss
	MTTFT          = "ttft_ms"        // time to first token
	MLatency       = "latency_ms"     // total time of the answer
	MTokensPerSec  = "tokens_per_s"   // decode rate
)

// QualityMetrics are the metrics where higher is better and that lie in 0..1, in report order.
var QualityMetrics = []string{MPass, MKeywordRecall, MCitation, MTokenF1, MRougeL, MSimilarity, MRefusal, MFaithfulness, MJudge, MJudgeWin}

// SpeedMetrics are the timing metrics, in report order.
var SpeedMetrics = []string{MTTFT, MLatency, MTokensPerSec}

// KeywordRecall is the share of k's requirements that answer meets: each keyword of All is one
// requirement, and Any (when not empty) is one more, met by any of its keywords. ok is false
// when k has no keywords.
func KeywordRecall(answer string, k Keywords) (recall float64, ok bool) {
	a := normalize(answer)
	need, met := len(k.All), 0
	for _, w := range k.All {
		if strings.Contains(a, normalize(w)) {
			met++
		}
	}
	if len(k.Any) > 0 {
		need++
		for _, w := range k.Any {
			if strings.Contains(a, normalize(w)) {
				met++
				break
			}
		}
	}
	if need == 0 {
		return 0, false
	}
	return float64(met) / float64(need), true
}

// TokenF1 is the F1 of the overlap of the token multisets of answer and reference ([Tokens]).
func TokenF1(answer, reference string) float64 {
	a, r := Tokens(answer), Tokens(reference)
	if len(a) == 0 || len(r) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, t := range r {
		count[t]++
	}
	common := 0
	for _, t := range a {
		if count[t] > 0 {
			count[t]--
			common++
		}
	}
	return f1(common, len(a), len(r))
}

// RougeL is the ROUGE-L F1: the longest common subsequence of the token sequences of answer
// and reference over their lengths. Chinese is compared character by character.
func RougeL(answer, reference string) float64 {
	a, r := Tokens(answer), Tokens(reference)
	if len(a) == 0 || len(r) == 0 {
		return 0
	}
	return f1(lcs(a, r), len(a), len(r))
}

func f1(common, na, nr int) float64 {
	if common == 0 {
		return 0
	}
	p, r := float64(common)/float64(na), float64(common)/float64(nr)
	return 2 * p * r / (p + r)
}

// lcs is the length of the longest common subsequence of a and b, in O(len(b)) memory.
func lcs(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Cosine is the cosine similarity of two vectors; 0 when either is zero or the lengths differ.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// refusalPhrases are ways of declining in English and Chinese, matched after [normalize].
var refusalPhrases = []string{
	"i don't know", "i do not know", "i don’t know", "don't have information", "do not have information",
	"no information", "not mentioned", "not in the document", "not in the provided", "not covered",
	"does not say", "doesn't say", "do not say", "don't say", "do not cover", "don't cover", "does not cover",
	"doesn't cover", "does not mention", "doesn't mention", "not specified", "not stated",
	"cannot answer", "can't answer", "unable to answer", "unable to find", "could not find", "couldn't find",
	"i'm not sure", "i am not sure", "no relevant", "not available in", "outside the scope", "not able to answer",
	"不知道", "无法回答", "不能回答", "没有相关", "没有提到", "未提及", "没有提及", "并未提及", "没有说明", "未说明",
	"无法确定", "不清楚", "未涉及", "无法找到", "找不到", "没有找到", "没有这方面", "没有关于", "资料中没有", "文档中没有",
	"手册中没有", "超出范围", "无相关信息", "没有信息",
}

// IsRefusal reports whether answer declines to answer (in English or Chinese).
func IsRefusal(answer string) bool {
	a := normalize(answer)
	for _, p := range refusalPhrases {
		if strings.Contains(a, normalize(p)) {
			return true
		}
	}
	return false
}

// SupportThreshold is the share of a sentence's tokens that must appear in one passage for the
// sentence to count as supported.
const SupportThreshold = 0.6

// Faithfulness is the share of answer sentences supported by at least one passage: a sentence
// is supported when at least [SupportThreshold] of its distinct tokens occur in the passage.
// Sentences of fewer than two tokens are not claims and are skipped. ok is false when there
// is nothing to judge (no passages or no claims).
func Faithfulness(answer string, passages []string) (share float64, ok bool) {
	if len(passages) == 0 {
		return 0, false
	}
	sets := make([]map[string]bool, len(passages))
	for i, p := range passages {
		sets[i] = tokenSet(Tokens(p))
	}
	claims, supported := 0, 0
	for _, s := range Sentences(answer) {
		toks := tokenSet(Tokens(s))
		if len(toks) < 2 {
			continue
		}
		claims++
		for _, set := range sets {
			in := 0
			for t := range toks {
				if set[t] {
					in++
				}
			}
			if float64(in) >= SupportThreshold*float64(len(toks)) {
				supported++
				break
			}
		}
	}
	if claims == 0 {
		return 0, false
	}
	return float64(supported) / float64(claims), true
}

func tokenSet(ts []string) map[string]bool {
	m := make(map[string]bool, len(ts))
	for _, t := range ts {
		m[t] = true
	}
	return m
}

// CitesSource reports whether answer cites, as [n], a passage of the document source (compared
// by file name, ignoring case and folders).
func CitesSource(answer string, passages []Passage, source string) bool {
	name := func(p string) string { return strings.ToLower(path.Base(strings.ReplaceAll(p, "\\", "/"))) }
	want := name(source)
	for _, n := range rag.Citations(answer, len(passages)) {
		if name(passages[n-1].Source) == want {
			return true
		}
	}
	return false
}
