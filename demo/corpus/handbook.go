package corpus

import (
	"fmt"
	"strings"
)

var topicTitles = map[string]name{
	"about":       {"About us", "公司简介"},
	"expense":     {"Travel and expenses", "差旅与报销"},
	"leave":       {"Leave", "休假制度"},
	"meeting":     {"Meetings", "会议规范"},
	"engineering": {"Engineering practice", "研发规范"},
	"okr":         {"Goals and OKRs", "目标与 OKR"},
	"sales":       {"Sales", "销售情况"},
	"method":      {"How we work", "工作方法"},
	"onboarding":  {"Onboarding", "新人入职"},
	"support":     {"Customer service", "客户服务"},
}

// handbook renders one document of a fresh fictional company: a handbook, a policy, meeting
// minutes or a sales report.
func (g *Generator) handbook(lang string) Doc {
	return Doc{Kind: Handbook, Lang: lang, Text: g.otherDocument(newCompany(g.rng), lang)}
}

func statement(f fact, lang string) string {
	if lang == "zh" {
		return f.zh
	}
	return f.en
}

func (g *Generator) renderHandbook(c *company, lang string) string {
	var b strings.Builder
	if lang == "zh" {
		fmt.Fprintf(&b, "# %s员工手册\n\n", c.name.zh)
	} else {
		fmt.Fprintf(&b, "# %s Employee Handbook\n\n", c.name.en)
	}
	order, by := c.topics()
	for _, t := range order {
		if g.rng.IntN(4) == 0 && t != "about" {
			continue // handbooks differ in what they cover
		}
		title := topicTitles[t]
		if lang == "zh" {
			fmt.Fprintf(&b, "## %s\n\n", title.zh)
		} else {
			fmt.Fprintf(&b, "## %s\n\n", title.en)
		}
		for _, part := range g.section(by[t], lang) {
			b.WriteString(part)
			b.WriteString(pick(g.rng, []string{" ", "\n\n"}))
		}
		b.WriteString("\n\n")
	}
	b.WriteString(g.glossary(c, lang))
	return strings.TrimSpace(b.String()) + "\n"
}

func (g *Generator) renderPolicy(c *company, lang string) string {
	order, by := c.topics()
	t := pick(g.rng, order[1:])
	owner := pick(g.rng, c.people)
	title := topicTitles[t]
	var b strings.Builder
	if lang == "zh" {
		fmt.Fprintf(&b, "# %s：%s\n\n本制度适用于%s全体员工，由%s%s负责解释。\n\n", c.name.zh, title.zh, c.name.zh, owner.role.zh, owner.name.zh)
	} else {
		fmt.Fprintf(&b, "# %s: %s\n\nThis policy applies to all employees of %s. Questions go to %s, %s.\n\n", c.name.en, title.en, c.name.en, owner.name.en, owner.role.en)
	}
	for i, f := range by[t] {
		fmt.Fprintf(&b, "%d. %s\n", i+1, statement(f, lang))
	}
	if lang == "zh" {
		fmt.Fprintf(&b, "\n本制度自%d年起执行。\n", between(g.rng, c.founded, 2026, 1))
	} else {
		fmt.Fprintf(&b, "\nEffective since %d.\n", between(g.rng, c.founded, 2026, 1))
	}
	return b.String()
}

func (g *Generator) renderMinutes(c *company, lang string) string {
	year, month, day := between(g.rng, 2019, 2026, 1), between(g.rng, 1, 12, 1), between(g.rng, 1, 28, 1)
	people := shuffled(g.rng, c.people)[:3]
	decided := shuffled(g.rng, c.facts)[:2]
	var b strings.Builder
	if lang == "zh" {
		fmt.Fprintf(&b, "# %s会议纪要（%d年%d月%d日）\n\n参会人：%s、%s、%s\n主持人：%s\n\n## 决议\n\n", c.name.zh, year, month, day, people[0].name.zh, people[1].name.zh, people[2].name.zh, people[0].name.zh)
		for _, f := range decided {
			fmt.Fprintf(&b, "- 会议确认：%s\n", f.zh)
		}
		b.WriteString("\n## 待办事项\n\n")
		for _, p := range people[1:] {
			fmt.Fprintf(&b, "- %s：%s（%d月%d日前）\n", p.name.zh, pick(g.rng, stepWords).zh, month%12+1, between(g.rng, 1, 28, 1))
		}
	} else {
		fmt.Fprintf(&b, "# %s meeting minutes, %d-%02d-%02d\n\nAttendees: %s, %s, %s\nChair: %s\n\n## Decisions\n\n", c.name.en, year, month, day, people[0].name.en, people[1].name.en, people[2].name.en, people[0].name.en)
		for _, f := range decided {
			fmt.Fprintf(&b, "- Confirmed: %s\n", f.en)
		}
		b.WriteString("\n## Action items\n\n")
		for _, p := range people[1:] {
			fmt.Fprintf(&b, "- %s: %s (by %d-%02d-%02d)\n", p.name.en, pick(g.rng, stepWords).en, year, month%12+1, between(g.rng, 1, 28, 1))
		}
	}
	return b.String()
}

func (g *Generator) renderReport(c *company, lang string) string {
	q, year := between(g.rng, 1, 4, 1), between(g.rng, 2019, 2026, 1)
	var b strings.Builder
	if lang == "zh" {
		fmt.Fprintf(&b, "# %s %d年第%d季度销售报告\n\n| 区域 | 销售额（万元） | 同比 |\n| --- | --- | --- |\n", c.name.zh, year, q)
	} else {
		fmt.Fprintf(&b, "# %s sales report, Q%d %d\n\n| Region | Revenue (RMB 10k) | YoY |\n| --- | --- | --- |\n", c.name.en, q, year)
	}
	best, bestRev := name{}, -1
	for _, r := range shuffled(g.rng, regions)[:4] {
		rev, yoy := between(g.rng, 50, 5000, 10), between(g.rng, -20, 45, 1)
		if rev > bestRev {
			best, bestRev = r, rev
		}
		if lang == "zh" {
			fmt.Fprintf(&b, "| %s | %d | %+d%% |\n", r.zh, rev, yoy)
		} else {
			fmt.Fprintf(&b, "| %s | %d | %+d%% |\n", r.en, rev, yoy)
		}
	}
	product := pick(g.rng, c.products)
	if lang == "zh" {
		fmt.Fprintf(&b, "\n%s销售额最高，为 %d 万元。本季度主打产品是%s。分析采用公司的“%s”。\n", best.zh, bestRev, product.zh, c.method.name.zh)
	} else {
		fmt.Fprintf(&b, "\n%s had the highest revenue at RMB %.1f million. The lead product this quarter was the %s. The analysis follows the company's %s method.\n", capitalize(best.en), float64(bestRev)/100, product.en, c.method.name.en)
	}
	return b.String()
}

// handbookKnowledge is the generic topic whose sentences pad a handbook section, by section.
var handbookKnowledge = map[string]string{
	"okr": "Setting OKRs", "sales": "Analysing sales", "meeting": "Running meetings",
	"engineering": "Code review", "expense": "Travel and expenses", "onboarding": "Onboarding new employees",
	"support": "Customer service", "leave": "Performance reviews", "method": "Running meetings",
}

// section is the sentences of a handbook section: its facts among zero to four general
// sentences on the topic, as real handbooks mix their rules with explanation.
func (g *Generator) section(facts []fact, lang string) []string {
	var pad []string
	for _, k := range knowledgeTopics {
		if len(facts) > 0 && k.title.en == handbookKnowledge[facts[0].topic] {
			pad = k.en
			if lang == "zh" {
				pad = k.zh
			}
		}
	}
	var parts []string
	if len(pad) > 0 {
		parts = shuffled(g.rng, pad)[:g.rng.IntN(min(5, len(pad)+1))]
	}
	for _, f := range facts {
		at := g.rng.IntN(len(parts) + 1)
		parts = append(parts[:at], append([]string{statement(f, lang)}, parts[at:]...)...)
	}
	return parts
}
