package corpus

import (
	"fmt"
	"math/rand/v2"
)

var (
	weekdays = []name{{"Monday", "周一"}, {"Tuesday", "周二"}, {"Wednesday", "周三"}, {"Thursday", "周四"}, {"Friday", "周五"}}
	regions  = []name{{"North China", "华北"}, {"East China", "华东"}, {"South China", "华南"}, {"Central China", "华中"}, {"the Southwest", "西南"}, {"the Northeast", "东北"}}
	scales   = []name{{"0 to 1.0", "0 到 1.0"}, {"0 to 100", "0 到 100 分"}, {"1 to 5", "1 到 5 分"}, {"0 to 10", "0 到 10 分"}}
	cadences = []name{{"every quarter", "每季度"}, {"every half year", "每半年"}, {"every two months", "每两个月"}}
	tools    = []name{{"the team wiki", "团队知识库"}, {"a shared spreadsheet", "共享表格"}, {"the project tracker", "项目管理系统"}, {"the HR portal", "人事系统"}}
)

// companyFacts draws the specific facts of c, one or more per topic.
func companyFacts(r *rand.Rand, c *company) []fact {
	ceo := c.people[0]
	hotel := between(r, 300, 900, 50)
	meal := between(r, 60, 200, 10)
	claim := pick(r, []int{10, 15, 20, 30, 45, 60})
	approve := between(r, 2000, 20000, 1000)
	leave := between(r, 5, 15, 1)
	sick := between(r, 1, 5, 1)
	day := pick(r, weekdays)
	hour := between(r, 9, 16, 1)
	length := pick(r, []int{15, 20, 30, 45, 60})
	notes := pick(r, []int{2, 4, 12, 24, 48})
	approvals := between(r, 1, 3, 1)
	lines := between(r, 200, 800, 100)
	release := pick(r, weekdays)
	objs, krs := between(r, 2, 5, 1), between(r, 2, 5, 1)
	scale, cadence := pick(r, scales), pick(r, cadences)
	revenue, growth := between(r, 20, 900, 5), between(r, 3, 40, 1)
	region := pick(r, regions)
	probation, buddyWeeks := between(r, 1, 6, 1), between(r, 2, 8, 1)
	response := pick(r, []int{1, 2, 4, 8, 24})
	tool := pick(r, tools)
	return []fact{
		{"about",
			fmt.Sprintf("%s was founded in %d in %s and has about %d employees.", c.name.en, c.founded, c.city.en, c.staff),
			fmt.Sprintf("%s于%d年在%s成立，现有员工约%d人。", c.name.zh, c.founded, c.city.zh, c.staff),
			fmt.Sprintf("When and where was %s founded?", c.name.en), fmt.Sprintf("%s是哪一年在哪里成立的？", c.name.zh),
			fmt.Sprintf("It was founded in %d in %s.", c.founded, c.city.en), fmt.Sprintf("它于%d年在%s成立。", c.founded, c.city.zh)},
		{"about",
			fmt.Sprintf("The %s of %s is %s.", ceo.role.en, c.name.en, ceo.name.en),
			fmt.Sprintf("%s的%s是%s。", c.name.zh, ceo.role.zh, ceo.name.zh),
			fmt.Sprintf("Who is the %s of %s?", ceo.role.en, c.name.en), fmt.Sprintf("%s的%s是谁？", c.name.zh, ceo.role.zh),
			fmt.Sprintf("The %s is %s.", ceo.role.en, ceo.name.en), fmt.Sprintf("%s是%s。", ceo.role.zh, ceo.name.zh)},
		{"expense",
			fmt.Sprintf("On business trips, hotel costs are reimbursed up to RMB %d per night.", hotel),
			fmt.Sprintf("出差住宿费每晚报销上限为 %d 元。", hotel),
			"How much can I spend on a hotel per night on a business trip?", "出差住酒店每晚最多能报销多少钱？",
			fmt.Sprintf("Up to RMB %d per night.", hotel), fmt.Sprintf("每晚最多 %d 元。", hotel)},
		{"expense",
			fmt.Sprintf("The meal allowance is RMB %d per day, and claims must be filed within %d days after the trip.", meal, claim),
			fmt.Sprintf("餐补为每天 %d 元，报销须在出差结束后 %d 天内提交。", meal, claim),
			"How long after a trip can I file an expense claim?", "出差回来后多久内要提交报销？",
			fmt.Sprintf("Within %d days after the trip.", claim), fmt.Sprintf("出差结束后 %d 天内。", claim)},
		{"expense",
			fmt.Sprintf("Claims above RMB %d also need the approval of %s, the %s.", approve, c.people[1].name.en, c.people[1].role.en),
			fmt.Sprintf("超过 %d 元的报销还需要%s%s审批。", approve, c.people[1].role.zh, c.people[1].name.zh),
			fmt.Sprintf("Who must approve a claim above RMB %d?", approve), fmt.Sprintf("超过 %d 元的报销需要谁审批？", approve),
			fmt.Sprintf("%s, the %s.", c.people[1].name.en, c.people[1].role.en), fmt.Sprintf("%s%s。", c.people[1].role.zh, c.people[1].name.zh)},
		{"leave",
			fmt.Sprintf("Full-time employees get %d days of paid annual leave; sick leave longer than %d days needs a doctor's note.", leave, sick),
			fmt.Sprintf("全职员工每年有 %d 天带薪年假；病假超过 %d 天需要医院证明。", leave, sick),
			"How many days of annual leave do employees get?", "员工每年有多少天年假？",
			fmt.Sprintf("%d days of paid annual leave.", leave), fmt.Sprintf("每年 %d 天带薪年假。", leave)},
		{"meeting",
			fmt.Sprintf("The weekly team meeting is on %s at %d:00 and lasts at most %d minutes.", day.en, hour, length),
			fmt.Sprintf("每周团队例会在%s %d:00 召开，时长不超过 %d 分钟。", day.zh, hour, length),
			"When is the weekly team meeting?", "每周例会是什么时候？",
			fmt.Sprintf("On %s at %d:00, for at most %d minutes.", day.en, hour, length), fmt.Sprintf("%s %d:00，不超过 %d 分钟。", day.zh, hour, length)},
		{"meeting",
			fmt.Sprintf("Meeting notes are posted to %s within %d hours.", tool.en, notes),
			fmt.Sprintf("会议纪要须在 %d 小时内发布到%s。", notes, tool.zh),
			"Where and when are meeting notes posted?", "会议纪要在哪里发布、多久内发布？",
			fmt.Sprintf("To %s within %d hours.", tool.en, notes), fmt.Sprintf("%d 小时内发布到%s。", notes, tool.zh)},
		{"engineering",
			fmt.Sprintf("Every code change needs %d approving review(s) and should stay under %d changed lines; releases go out on %s.", approvals, lines, release.en),
			fmt.Sprintf("每个代码变更需要 %d 位同事审查通过，改动不超过 %d 行；版本在%s发布。", approvals, lines, release.zh),
			"How many approvals does a code change need?", "代码变更需要几个人审查通过？",
			fmt.Sprintf("%d approving review(s).", approvals), fmt.Sprintf("需要 %d 位同事审查通过。", approvals)},
		{"okr",
			fmt.Sprintf("Teams set OKRs %s: at most %d objectives, each with %d key results, scored from %s.", cadence.en, objs, krs, scale.en),
			fmt.Sprintf("各团队%s制定 OKR：目标不超过 %d 个，每个目标 %d 个关键结果，按 %s 打分。", cadence.zh, objs, krs, scale.zh),
			"How are OKRs set and scored?", "OKR 怎么制定、怎么打分？",
			fmt.Sprintf("%s, at most %d objectives with %d key results each, scored from %s.", capitalize(cadence.en), objs, krs, scale.en),
			fmt.Sprintf("%s制定，最多 %d 个目标，每个 %d 个关键结果，按 %s 打分。", cadence.zh, objs, krs, scale.zh)},
		{"sales",
			fmt.Sprintf("Revenue last year was RMB %d million, up %d%% year on year; %s was the strongest region.", revenue, growth, region.en),
			fmt.Sprintf("去年营收 %d 百万元，同比增长 %d%%；%s是业绩最好的区域。", revenue, growth, region.zh),
			"How did revenue develop last year?", "去年的营收情况如何？",
			fmt.Sprintf("RMB %d million, up %d%%, led by %s.", revenue, growth, region.en), fmt.Sprintf("%d 百万元，同比增长 %d%%，%s最好。", revenue, growth, region.zh)},
		{"method",
			fmt.Sprintf("Teams use the company's own %s method: %s.", c.method.name.en, c.steps("en")),
			fmt.Sprintf("团队使用公司自己的“%s”：%s。", c.method.name.zh, c.steps("zh")),
			fmt.Sprintf("What are the steps of the %s method?", c.method.name.en), fmt.Sprintf("“%s”有哪些步骤？", c.method.name.zh),
			fmt.Sprintf("The steps are %s.", c.steps("en")), fmt.Sprintf("步骤是：%s。", c.steps("zh"))},
		{"onboarding",
			fmt.Sprintf("New employees have a %d-month probation and a buddy for their first %d weeks.", probation, buddyWeeks),
			fmt.Sprintf("新员工试用期 %d 个月，入职前 %d 周有一位伙伴带领。", probation, buddyWeeks),
			"How long is the probation period?", "试用期多长？",
			fmt.Sprintf("%d months.", probation), fmt.Sprintf("%d 个月。", probation)},
		{"support",
			fmt.Sprintf("Customer tickets get a first response within %d hour(s) on working days.", response),
			fmt.Sprintf("工作日客户工单须在 %d 小时内首次响应。", response),
			"How fast must customer tickets get a first response?", "客户工单多久内要首次响应？",
			fmt.Sprintf("Within %d hour(s) on working days.", response), fmt.Sprintf("工作日 %d 小时内。", response)},
	}
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
