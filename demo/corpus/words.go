package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// CommonHan is the 3,755 characters of the first level of GB 2312, the most common characters of
// written Chinese, in the standard's order. The corpus draws coined words from them, so that
// every common character occurs in training, and the tokenizer keeps each of them whole.
func CommonHan() []rune { return append([]rune(nil), commonHan...) }

var commonHan = func() []rune {
	var out []rune
	dec := simplifiedchinese.GBK.NewDecoder()
	for hi := 0xB0; hi <= 0xD7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			if hi == 0xD7 && lo > 0xF9 {
				break // the first level ends at D7F9
			}
			s, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if err != nil {
				panic(err)
			}
			out = append(out, []rune(string(s))...)
		}
	}
	return out
}()

// coinZh is a coined Chinese word of n common characters.
func coinZh(r *rand.Rand, n int) string {
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = pick(r, commonHan)
	}
	return string(rs)
}

var (
	onsets = []string{"b", "ch", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r", "s", "sh", "t", "v", "w", "z", "br", "st", "tr", "gl"}
	vowels = []string{"a", "e", "i", "o", "u", "ai", "ei", "ou", "ia", "ue"}
	codas  = []string{"", "", "", "n", "r", "s", "l", "x", "ng", "t"}
)

// coinEn is a coined English-looking word of two or three syllables.
func coinEn(r *rand.Rand) string {
	var b strings.Builder
	for range 2 + r.IntN(2) {
		b.WriteString(pick(r, onsets) + pick(r, vowels))
	}
	b.WriteString(pick(r, codas))
	return b.String()
}

// glossary is a handbook's list of the company's internal words, coined for it: names of its
// tools, rooms, reports and events, each with what it is for. Real handbooks are full of such
// names, and a reader must take them from the text, since no general knowledge has them.
func (g *Generator) glossary(c *company, lang string) string {
	var b strings.Builder
	if lang == "zh" {
		b.WriteString(pick(g.rng, []string{"## 内部用语\n\n", "## 名词解释\n\n", "## 常用系统与叫法\n\n"}))
	} else {
		b.WriteString(pick(g.rng, []string{"## Glossary\n\n", "## Our words\n\n", "## Tools and names\n\n"}))
	}
	for n := 3 + g.rng.IntN(4); n > 0; {
		line := g.glossaryEntry(c, lang)
		if !isDemoTerm(line) { // a coined word could spell a demo-company name
			b.WriteString(line)
			n--
		}
	}
	return b.String()
}

// glossaryEntry is one line of a glossary: a coined word and what it names.
func (g *Generator) glossaryEntry(c *company, lang string) string {
	thing, owner := pick(g.rng, glossaryThings), pick(g.rng, c.people)
	if lang == "zh" {
		term := coinZh(g.rng, 2+g.rng.IntN(3))
		use := coinZh(g.rng, 2+g.rng.IntN(2)) + pick(g.rng, []string{"的", "和", "与", ""}) + coinZh(g.rng, 2+g.rng.IntN(3))
		switch g.rng.IntN(3) {
		case 0:
			return fmt.Sprintf("- “%s”：公司的%s，用于%s，由%s负责。\n", term, thing.zh, use, owner.name.zh)
		case 1:
			return fmt.Sprintf("- %s是我们对%s的叫法，主要用来%s。\n", term, thing.zh, use)
		default:
			return fmt.Sprintf("- 说“%s”时指的是%s，%s每月检查一次%s。\n", term, thing.zh, owner.role.zh, use)
		}
	}
	term := capitalize(coinEn(g.rng))
	use := coinEn(g.rng) + " " + pick(g.rng, []string{"reports", "requests", "checks", "plans", "orders", "reviews"})
	switch g.rng.IntN(3) {
	case 0:
		return fmt.Sprintf("- %s: our %s, used for %s, owned by %s.\n", term, thing.en, use, owner.name.en)
	case 1:
		return fmt.Sprintf("- We call the %s \"%s\"; it is where %s happen.\n", thing.en, term, use)
	default:
		return fmt.Sprintf("- \"%s\" means the %s. The %s checks its %s every month.\n", term, thing.en, owner.role.en, use)
	}
}

var glossaryThings = []name{
	{"internal chat tool", "内部聊天工具"}, {"expense system", "报销系统"}, {"wiki", "知识库"},
	{"big meeting room", "大会议室"}, {"weekly report", "周报"}, {"annual party", "年会"},
	{"ticket system", "工单系统"}, {"sales dashboard", "销售看板"}, {"code repository", "代码仓库"},
	{"training course", "培训课程"}, {"approval flow", "审批流程"}, {"customer hotline", "客服热线"},
	{"monthly award", "月度奖项"}, {"attendance app", "考勤应用"}, {"release checklist", "发布清单"},
}
