package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// name is a proper name in both languages.
type name struct{ en, zh string }

// fact is one specific, checkable statement about a fictional company, with a question it
// answers and the short answer, in both languages.
type fact struct {
	topic    string
	en, zh   string // the statement, as a handbook would write it
	qEn, qZh string // a question the statement answers
	aEn, aZh string // the answer in one sentence
}

// company is a fictional company: names, place, people and its facts, grouped by topic.
type company struct {
	name     name
	short    name
	industry name
	city     name
	founded  int
	staff    int
	people   []person
	method   method
	products []name
	facts    []fact
}

type person struct {
	name name
	role name
}

// method is a company's own named way of working, as the demo company has its own.
type method struct {
	name  name
	steps []name
}

var (
	prefixes = []name{
		{"Bright", "明"}, {"Silver", "银"}, {"North", "北"}, {"Blue", "蓝"}, {"Golden", "金"},
		{"Green", "青"}, {"Swift", "迅"}, {"Clear", "清"}, {"Stone", "石"}, {"River", "川"},
		{"Maple", "枫"}, {"Cedar", "松"}, {"Harbor", "港"}, {"Summit", "峰"}, {"Pine", "柏"},
		{"Iron", "铁"}, {"Lake", "湖"}, {"Sun", "阳"}, {"East", "东"}, {"Jade", "玉"},
		{"Cloudy", "岚"}, {"Oak", "橡"}, {"Coral", "珊"}, {"Amber", "琥"},
	}
	suffixes = []name{
		{"path", "途"}, {"wave", "澜"}, {"field", "原"}, {"stone", "磐"}, {"bridge", "桥"},
		{"line", "线"}, {"point", "点"}, {"gate", "门"}, {"works", "工"}, {"leaf", "叶"},
		{"crest", "岭"}, {"brook", "溪"}, {"ridge", "脊"}, {"vale", "谷"}, {"dale", "源"},
	}
	industries = []struct{ name, product name }{
		{name{"Logistics", "物流"}, name{"route planner", "线路规划系统"}},
		{name{"Foods", "食品"}, name{"frozen dumplings", "速冻水饺"}},
		{name{"Software", "软件"}, name{"CRM suite", "客户管理系统"}},
		{name{"Textiles", "纺织"}, name{"cotton fabric", "棉布面料"}},
		{name{"Retail", "零售"}, name{"membership app", "会员小程序"}},
		{name{"Health", "健康"}, name{"clinic booking system", "诊所预约系统"}},
		{name{"Energy", "能源"}, name{"solar inverter", "光伏逆变器"}},
		{name{"Motors", "汽车"}, name{"electric scooter", "电动滑板车"}},
		{name{"Media", "传媒"}, name{"video editor", "视频剪辑工具"}},
		{name{"Furniture", "家具"}, name{"office chair", "办公椅"}},
		{name{"Robotics", "机器人"}, name{"sorting robot", "分拣机器人"}},
		{name{"Payments", "支付"}, name{"POS terminal", "收银终端"}},
		{name{"Education", "教育"}, name{"online course platform", "在线课程平台"}},
		{name{"Pharma", "医药"}, name{"cold medicine", "感冒药"}},
	}
	cities = []name{
		{"Suzhou", "苏州"}, {"Nanjing", "南京"}, {"Wuhan", "武汉"}, {"Xi'an", "西安"},
		{"Chongqing", "重庆"}, {"Tianjin", "天津"}, {"Qingdao", "青岛"}, {"Xiamen", "厦门"},
		{"Changsha", "长沙"}, {"Hefei", "合肥"}, {"Shenyang", "沈阳"}, {"Kunming", "昆明"},
		{"Ningbo", "宁波"}, {"Jinan", "济南"}, {"Dalian", "大连"}, {"Fuzhou", "福州"},
		{"Zhengzhou", "郑州"}, {"Nanchang", "南昌"}, {"Harbin", "哈尔滨"}, {"Guiyang", "贵阳"},
	}
	surnames = []name{
		{"Wang", "王"}, {"Li", "李"}, {"Zhang", "张"}, {"Liu", "刘"}, {"Chen", "陈"},
		{"Yang", "杨"}, {"Zhao", "赵"}, {"Huang", "黄"}, {"Zhou", "周"}, {"Wu", "吴"},
		{"Xu", "徐"}, {"Sun", "孙"}, {"Hu", "胡"}, {"Zhu", "朱"}, {"Gao", "高"},
		{"Lin", "林"}, {"He", "何"}, {"Guo", "郭"}, {"Ma", "马"}, {"Luo", "罗"},
		{"Song", "宋"}, {"Xie", "谢"}, {"Deng", "邓"}, {"Cao", "曹"}, {"Peng", "彭"},
	}
	givenNames = []name{
		{"Jie", "杰"}, {"Lei", "磊"}, {"Ting", "婷"}, {"Hao", "浩"}, {"Min", "敏"},
		{"Yan", "燕"}, {"Bo", "波"}, {"Xin", "欣"}, {"Peng", "鹏"}, {"Lan", "兰"},
		{"Hui", "慧"}, {"Kai", "凯"}, {"Qian", "倩"}, {"Rui", "睿"}, {"Dan", "丹"},
		{"Yu", "宇"}, {"Fang", "芳"}, {"Jun", "军"}, {"Na", "娜"}, {"Tao", "涛"},
		{"Xiaoming", "晓明"}, {"Yifan", "一帆"}, {"Zihan", "子涵"}, {"Haoran", "浩然"},
		{"Shuang", "爽"}, {"Wen", "文"}, {"Chen", "辰"}, {"Lu", "璐"},
	}
	roles = []name{
		{"Chief Executive Officer", "首席执行官"}, {"Chief Financial Officer", "首席财务官"},
		{"Head of Engineering", "研发负责人"}, {"Head of Sales", "销售负责人"},
		{"Head of Human Resources", "人力资源负责人"}, {"Head of Customer Service", "客户服务负责人"},
		{"Product Director", "产品总监"}, {"Operations Manager", "运营经理"},
	}
	numbers = []name{{"two", "二"}, {"three", "三"}, {"five", "五"}, {"six", "六"}, {"seven", "七"}, {"eight", "八"}}
	shapes  = []name{
		{"lane", "车道"}, {"step", "步"}, {"column", "栏"}, {"circle", "环"}, {"layer", "层"},
		{"ladder", "阶梯"}, {"card", "卡"}, {"light", "灯"}, {"pillar", "支柱"},
	}
	methodUses = []name{
		{"planning", "规划法"}, {"review", "复盘法"}, {"scorecard", "评分卡"},
		{"check", "检查法"}, {"map", "地图"}, {"board", "看板"},
	}
	stepWords = []name{
		{"collect the facts", "收集事实"}, {"agree on the goal", "对齐目标"}, {"list the risks", "列出风险"},
		{"assign an owner", "指定负责人"}, {"set a deadline", "设定截止日期"}, {"score the result", "给结果打分"},
		{"share the lessons", "分享经验"}, {"ask the customer", "询问客户"}, {"compare with last month", "与上月对比"},
		{"write one page", "写一页纸总结"}, {"check the budget", "核对预算"}, {"pick the top three", "选出前三项"},
	}
)

// newCompany draws a fictional company with its people, method, products and facts.
func newCompany(r *rand.Rand) *company {
	ind := pick(r, industries)
	p, s := pick(r, prefixes), pick(r, suffixes)
	c := &company{
		short:    name{p.en + s.en, p.zh + s.zh},
		industry: ind.name,
		city:     pick(r, cities),
		founded:  between(r, 1995, 2022, 1),
		staff:    between(r, 30, 3000, 10),
	}
	c.name = name{c.short.en + " " + ind.name.en, c.short.zh + ind.name.zh}
	for _, role := range shuffled(r, roles)[:4] {
		c.people = append(c.people, person{newPerson(r), role})
	}
	c.products = []name{ind.product, {c.short.en + " " + ind.product.en, c.short.zh + ind.product.zh}}
	n, sh, use := pick(r, numbers), pick(r, shapes), pick(r, methodUses)
	c.method.name = name{n.en + "-" + sh.en + " " + use.en, n.zh + sh.zh + use.zh}
	for _, st := range shuffled(r, stepWords)[:between(r, 3, 5, 1)] {
		c.method.steps = append(c.method.steps, st)
	}
	c.facts = companyFacts(r, c)
	return c
}

// newPerson draws a name that is not one of the demo company's people.
func newPerson(r *rand.Rand) name {
	for {
		s, g := pick(r, surnames), pick(r, givenNames)
		n := name{s.en + " " + g.en, s.zh + g.zh}
		if !isDemoTerm(n.en) && !isDemoTerm(n.zh) {
			return n
		}
	}
}

// topics returns the company's facts grouped by topic, topics in first-seen order.
func (c *company) topics() (order []string, by map[string][]fact) {
	by = map[string][]fact{}
	for _, f := range c.facts {
		if _, ok := by[f.topic]; !ok {
			order = append(order, f.topic)
		}
		by[f.topic] = append(by[f.topic], f)
	}
	return order, by
}

func (c *company) steps(lang string) string {
	var parts []string
	for i, s := range c.method.steps {
		if lang == "zh" {
			parts = append(parts, fmt.Sprintf("第%d步，%s", i+1, s.zh))
		} else {
			parts = append(parts, fmt.Sprintf("(%d) %s", i+1, s.en))
		}
	}
	if lang == "zh" {
		return strings.Join(parts, "；")
	}
	return strings.Join(parts, ", ")
}
