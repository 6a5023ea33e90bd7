package corpus

import (
	"strings"
)

// topic is a piece of generic business knowledge: questions people ask about it and the
// sentences a textbook would answer with, in both languages (the two lists are parallel).
type topic struct {
	title     name
	questions []name
	en, zh    []string
}

var knowledgeTopics = []topic{
	{title: name{"Setting OKRs", "如何制定 OKR"},
		questions: []name{{"How do we set OKRs?", "我们怎么制定 OKR？"}, {"What makes a good key result?", "什么样的关键结果是好的？"}, {"How should OKRs be scored?", "OKR 应该怎么打分？"}},
		en: []string{
			"OKR stands for objectives and key results.",
			"An objective says what you want to achieve; it should be ambitious and easy to remember.",
			"Each objective usually has two to five key results that can be measured.",
			"A good key result is a number with a deadline, not a task.",
			"Many companies set OKRs every quarter and review progress every week.",
			"At the end of the period each key result is scored, often from 0 to 1.0.",
			"A score around 0.7 is often seen as a good result for an ambitious goal.",
			"OKRs should be visible to everyone so that teams can align their work.",
		},
		zh: []string{
			"OKR 是目标与关键结果的缩写。",
			"目标说明想要达成什么，应当有挑战性并且容易记住。",
			"每个目标通常有两到五个可以衡量的关键结果。",
			"好的关键结果是带截止日期的数字，而不是一项任务。",
			"很多公司每个季度制定一次 OKR，每周检查进展。",
			"周期结束时给每个关键结果打分，常见的是 0 到 1.0 分。",
			"对有挑战性的目标来说，0.7 分左右通常被认为是不错的结果。",
			"OKR 应该对所有人公开，方便各团队对齐工作。",
		}},
	{title: name{"Analysing sales", "如何做销售分析"},
		questions: []name{{"How should we analyse our sales?", "我们应该怎么分析销售数据？"}, {"What should a sales report contain?", "销售报告应该包含什么？"}},
		en: []string{
			"Sales analysis starts with clean data: orders, customers, products and regions.",
			"Compare revenue with the same period last year to see the growth rate.",
			"Break revenue down by region, product and customer to find what drives it.",
			"A sales funnel shows how many leads become opportunities and how many are won.",
			"Look at the average deal size and the length of the sales cycle.",
			"A few large customers often bring most of the revenue, so watch concentration risk.",
			"End the analysis with clear actions and owners, not only charts.",
		},
		zh: []string{
			"销售分析从干净的数据开始：订单、客户、产品和区域。",
			"与去年同期比较营收，可以看出增长率。",
			"按区域、产品和客户拆分营收，找出增长的来源。",
			"销售漏斗显示有多少线索变成商机，又有多少最终成交。",
			"要关注平均客单价和销售周期的长短。",
			"少数大客户往往贡献了大部分营收，要注意集中度风险。",
			"分析最后要给出明确的行动和负责人，而不只是图表。",
		}},
	{title: name{"Running meetings", "如何开好会议"},
		questions: []name{{"How do we run a good meeting?", "怎样才能开好一个会？"}, {"What should meeting minutes include?", "会议纪要应该写什么？"}},
		en: []string{
			"Every meeting needs a clear purpose and an agenda sent in advance.",
			"Invite only the people who need to decide or contribute.",
			"Start on time and keep the meeting short.",
			"Someone should take notes and record decisions, owners and deadlines.",
			"Send the minutes soon after the meeting so that nothing is forgotten.",
			"If a meeting has no decision to make, an email may be enough.",
		},
		zh: []string{
			"每个会议都需要明确的目的，并提前发出议程。",
			"只邀请需要做决定或提供意见的人。",
			"准时开始，并尽量缩短会议时间。",
			"要有人做记录，写下决议、负责人和截止日期。",
			"会后尽快发出会议纪要，避免遗忘。",
			"如果会议不需要做决定，也许一封邮件就够了。",
		}},
	{title: name{"Code review", "代码审查"},
		questions: []name{{"How should code review work?", "代码审查应该怎么做？"}, {"What are good coding conventions?", "好的编码规范有哪些？"}},
		en: []string{
			"Code review catches bugs early and spreads knowledge in the team.",
			"Keep changes small so that reviewers can understand them.",
			"Write a clear description of what the change does and why.",
			"Reviewers should look at correctness, tests, readability and security.",
			"Automated tests and formatters should run before a human reviews.",
			"Comments in a review should be specific and kind.",
			"Use consistent names and a shared style guide.",
		},
		zh: []string{
			"代码审查能及早发现缺陷，并在团队中传播知识。",
			"变更要小，方便审查者理解。",
			"清楚地写明变更做了什么、为什么这样做。",
			"审查者应关注正确性、测试、可读性和安全性。",
			"在人工审查之前应先跑自动化测试和格式化工具。",
			"审查意见应当具体、友善。",
			"使用一致的命名和统一的代码风格指南。",
		}},
	{title: name{"Travel and expenses", "差旅与报销"},
		questions: []name{{"How do expense claims work?", "报销一般怎么操作？"}, {"What can I claim on a business trip?", "出差可以报销哪些费用？"}},
		en: []string{
			"Most companies reimburse travel, hotels and meals on business trips.",
			"Keep the receipts and invoices for every expense.",
			"There is usually a limit per night for hotels, depending on the city.",
			"Claims are filed after the trip and approved by a manager.",
			"Large claims may need approval from finance.",
			"Personal expenses cannot be claimed.",
		},
		zh: []string{
			"大多数公司会报销出差的交通、住宿和餐饮费用。",
			"每笔费用都要保留发票和收据。",
			"住宿通常有每晚的上限，因城市而异。",
			"出差结束后提交报销，由主管审批。",
			"金额较大的报销可能还需要财务审批。",
			"个人消费不能报销。",
		}},
	{title: name{"Onboarding new employees", "新员工入职"},
		questions: []name{{"How should onboarding work?", "新员工入职应该怎么安排？"}, {"What happens in the first week at a new job?", "入职第一周一般做什么？"}},
		en: []string{
			"Good onboarding helps new employees become productive quickly.",
			"Prepare the computer, accounts and desk before the first day.",
			"A buddy can answer everyday questions.",
			"The first week often includes training on products, tools and policies.",
			"Set clear goals for the probation period.",
			"Regular check-ins help new employees raise problems early.",
		},
		zh: []string{
			"好的入职安排能帮助新员工尽快进入状态。",
			"在第一天之前准备好电脑、账号和工位。",
			"可以安排一位伙伴回答日常问题。",
			"第一周通常包括产品、工具和制度的培训。",
			"为试用期设定清晰的目标。",
			"定期沟通能帮助新员工及早提出问题。",
		}},
	{title: name{"Customer service", "客户服务"},
		questions: []name{{"How do we handle customer complaints?", "怎么处理客户投诉？"}, {"What is a service level agreement?", "什么是服务水平协议？"}},
		en: []string{
			"A service level agreement says how fast the company responds and resolves issues.",
			"Urgent problems get the fastest response.",
			"Listen to the customer and confirm the problem before proposing a fix.",
			"Keep the customer informed until the issue is closed.",
			"Track recurring problems and fix their causes.",
		},
		zh: []string{
			"服务水平协议规定公司响应和解决问题的速度。",
			"紧急问题获得最快的响应。",
			"先倾听客户、确认问题，再提出解决方案。",
			"在问题关闭前持续告知客户进展。",
			"跟踪反复出现的问题，并解决其根本原因。",
		}},
	{title: name{"Performance reviews", "绩效评估"},
		questions: []name{{"How do performance reviews work?", "绩效评估怎么做？"}},
		en: []string{
			"Performance reviews look at results and at how the work was done.",
			"Many companies review performance once or twice a year.",
			"Employees often write a self-assessment first.",
			"Managers should give specific examples and clear feedback.",
			"The review ends with goals for the next period.",
		},
		zh: []string{
			"绩效评估既看结果，也看工作方式。",
			"很多公司每年评估一到两次。",
			"员工通常先写自评。",
			"主管应给出具体的例子和清晰的反馈。",
			"评估最后要确定下一阶段的目标。",
		}},
	{title: name{"Information security", "信息安全"},
		questions: []name{{"What are good security habits at work?", "工作中有哪些好的安全习惯？"}},
		en: []string{
			"Use a long, unique password for every account and turn on two-factor login.",
			"Lock your screen when you leave your desk.",
			"Do not open unexpected attachments or links.",
			"Report lost devices and suspicious emails at once.",
			"Customer data should only be shared with people who need it.",
		},
		zh: []string{
			"每个账号使用足够长且不重复的密码，并开启双因素登录。",
			"离开座位时锁定屏幕。",
			"不要打开来历不明的附件或链接。",
			"设备丢失或收到可疑邮件时立即报告。",
			"客户数据只能分享给确实需要的人。",
		}},
}

// knowledge renders a short generic article on one topic.
func (g *Generator) knowledge(lang string) Doc {
	t := pick(g.rng, knowledgeTopics)
	title, body := t.title.en, t.en
	if lang == "zh" {
		title, body = t.title.zh, t.zh
	}
	return Doc{Kind: Knowledge, Lang: lang, Text: "# " + title + "\n\n" + g.excerpt(body, lang) + "\n"}
}

// excerpt keeps a random, in-order selection of at least three sentences.
func (g *Generator) excerpt(sentences []string, lang string) string {
	var kept []string
	for _, s := range sentences {
		if g.rng.IntN(4) != 0 {
			kept = append(kept, s)
		}
	}
	if len(kept) < 3 {
		kept = sentences[:min(3, len(sentences))]
	}
	sep := " "
	if lang == "zh" {
		sep = ""
	}
	return strings.Join(kept, sep)
}
