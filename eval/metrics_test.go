package eval

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.12f, want %.12f", name, got, want)
	}
}

func TestTokens(t *testing.T) {
	for in, want := range map[string][]string{
		"收入9,870万元, 86.4 million": {"收", "入", "9870", "万", "元", "86.4", "million"},
		"The CEO, Lin Xiaofeng.":  {"the", "ceo", "lin", "xiaofeng"},
		"ＩＰ６５ 防护":                 {"ip65", "防", "护"},
		"v3.2 ends. Then 1,2":     {"v3.2", "ends", "then", "1", "2"},
		"  ":                      nil,
		"feature/WMS-1510-report": {"feature", "wms", "1510", "report"},
	} {
		if diff := cmp.Diff(want, Tokens(in)); diff != "" {
			t.Errorf("Tokens(%q): %s", in, diff)
		}
	}
}

func TestSentences(t *testing.T) {
	got := Sentences("Revenue was RMB 86.4 million. It grew 18%!\n第二句。第三句")
	want := []string{"Revenue was RMB 86.4 million.", "It grew 18%!", "第二句。", "第三句"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
}

func TestKeywordRecall(t *testing.T) {
	for _, tc := range []struct {
		answer string
		k      Keywords
		want   float64
		ok     bool
	}{
		// all: 9870 met (separator ignored), 104% missed; any: 季度 missed → 1 of 3
		{"收入9,870万元，完成率103%", Keywords{All: []string{"9870", "104%"}, Any: []string{"季度"}}, 1.0 / 3, true},
		// all: both met ignoring case; any: second alternative met → 3 of 3
		{"Zhang Wei runs EAST CHINA.", Keywords{All: []string{"east china", "Zhang Wei"}, Any: []string{"34.2", "Zhang"}}, 1, true},
		// full-width digits and spacing fold: "１ ５ %" → "15%"
		{"最高可申请１５ %的折扣", Keywords{All: []string{"15%"}}, 1, true},
		{"anything", Keywords{}, 0, false},
	} {
		got, ok := KeywordRecall(tc.answer, tc.k)
		if ok != tc.ok {
			t.Errorf("KeywordRecall(%q) ok = %v", tc.answer, ok)
		}
		near(t, "KeywordRecall("+tc.answer+")", got, tc.want)
	}
}

func TestTokenF1(t *testing.T) {
	// 3 common of 3 answer and 4 reference tokens: P=1, R=3/4, F1=2·(3/4)/(7/4)=6/7
	near(t, "en", TokenF1("the cat sat", "the cat sat down"), 6.0/7)
	// characters: 年 假 十 天 vs 年 假 10 天: 3 common, P=R=3/4
	near(t, "zh", TokenF1("年假十天", "年假10天"), 0.75)
	// multiset: "a a" vs "a": 1 common, P=1/2, R=1 → 2/3
	near(t, "repeats", TokenF1("a a", "a"), 2.0/3)
	near(t, "empty", TokenF1("", "a"), 0)
	near(t, "disjoint", TokenF1("b", "a"), 0)
}

func TestRougeL(t *testing.T) {
	// LCS(a b c d, a c b d) = 3 (a c d): P=R=3/4
	near(t, "en", RougeL("a b c d", "a c b d"), 0.75)
	// 天 年 假 vs 年 假 天: LCS 2 (年 假), P=R=2/3 — order matters, unlike token F1 (=1)
	near(t, "zh", RougeL("天年假", "年假天"), 2.0/3)
	near(t, "zh token f1", TokenF1("天年假", "年假天"), 1)
	// 婚假15天 (婚 假 15 天) vs 婚假有15天 (婚 假 有 15 天): LCS 4, P=1, R=4/5 → 8/9
	near(t, "zh number", RougeL("婚假15天", "婚假有15天"), 8.0/9)
}

func TestCosine(t *testing.T) {
	near(t, "45°", Cosine([]float32{1, 0}, []float32{1, 1}), 1/math.Sqrt2)
	near(t, "opposite", Cosine([]float32{1, 2}, []float32{-1, -2}), -1)
	near(t, "zero", Cosine([]float32{0, 0}, []float32{1, 1}), 0)
	near(t, "lengths", Cosine([]float32{1}, []float32{1, 1}), 0)
}

func TestIsRefusal(t *testing.T) {
	for answer, want := range map[string]bool{
		"抱歉，文档中没有提到这个信息。": true,
		"我不知道。":                                          true,
		"手册里并未提及2027年的目标。":                               true,
		"I'm sorry, the handbook does not mention this.": true,
		"I DON'T KNOW":                                   true,
		"There is no information about a PDA X7.":        true,
		// what Tutor's RAG prompt asks for when the passages lack the answer
		"The passages do not say.":                      true,
		"The passages don't cover this question.":       true,
		"资料未涉及这个问题。":                                    true,
		"资料中没有提到这一点。":                                   true,
		"年假有10天。":                                       false,
		"The canteen serves lunch from 11:30 to 13:30.": false,
		"超过500元须通过行政部统一采购。":                             false,
	} {
		if got := IsRefusal(answer); got != want {
			t.Errorf("IsRefusal(%q) = %v, want %v", answer, got, want)
		}
	}
}

func TestFaithfulness(t *testing.T) {
	passages := []string{"入职满1年不满10年的员工，每年享有年假10天。", "员工生日当月可休1天带薪生日假。"}
	// sentence 1: 年 假 有 10 天 all in passage 1; sentence 2: all 8 tokens in passage 2;
	// sentence 3: 公 司 提 供 免 费 午 餐 in neither → 2 of 3 supported
	got, ok := Faithfulness("年假有10天。生日当月可休1天。公司提供免费午餐。", passages)
	if !ok {
		t.Fatal("not ok")
	}
	near(t, "zh", got, 2.0/3)
	// English: "Lunch costs RMB 15." → lunch costs rmb 15, 4 of 4 in the passage; "Dinner is free."
	// → dinner is free, only "is" → 1/3 < 0.6 → 1 of 2
	got, _ = Faithfulness("Lunch costs RMB 15. Dinner is free.", []string{"Lunch is served 11:30-13:30 and costs RMB 15 for employees."})
	near(t, "en", got, 0.5)
	if _, ok := Faithfulness("Yes.", []string{"x y"}); ok {
		t.Error("a one-token answer has no claims, want ok=false")
	}
	if _, ok := Faithfulness("a b c", nil); ok {
		t.Error("no passages, want ok=false")
	}
}

func TestCitesSource(t *testing.T) {
	ps := []Passage{{Source: "demo/okr-guide-en.md", Text: "a"}, {Source: "demo/okr-nine-grid.md", Text: "b"}}
	for _, c := range []struct {
		answer, source string
		want           bool
	}{
		{"Cell 5 is the confidence score [2].", "okr-nine-grid.md", true},
		{"Cell 5 is the confidence score [1][2].", "OKR-Nine-Grid.md", true},
		{"第5格是信心指数【2】。", "okr-nine-grid.md", true},
		{"Cell 5 is the confidence score [1].", "okr-nine-grid.md", false},
		{"Cell 5 is the confidence score.", "okr-nine-grid.md", false},
		{"Cell 5 is the confidence score [3].", "okr-nine-grid.md", false}, // no third passage
	} {
		if got := CitesSource(c.answer, ps, c.source); got != c.want {
			t.Errorf("CitesSource(%q, %q) = %v, want %v", c.answer, c.source, got, c.want)
		}
	}
}
