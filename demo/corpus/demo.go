package corpus

import "strings"

// DemoTerms are the names that belong to the demo company: itself, its products, places, people
// and named methods. The corpus must never contain any of them (case-insensitive), so what the
// base model knows of the demo company can only come from its documents.
var DemoTerms = []string{
	"Xinghe", "星河", "CloudWare", "云仓", "PDA X5", "Southern Star",
	"nine-grid", "nine grid", "九宫格", "four-quadrant", "four quadrant", "quadrant", "四象限", "象限",
	"明星客户", "潜力客户", "观察客户", "维护客户", "星图", "钱塘", "灵隐", "Wensan", "文三路",
	"Lin Xiaofeng", "林晓峰", "Zhou Min", "周敏", "Zhao Jianguo", "赵建国", "Chen Liwei", "陈立伟",
	"Liu Yang", "刘洋", "Wang Fang", "王芳", "Tang Yu", "唐宇", "Huang Jing", "黄静",
	"Ma Chao", "马超", "Daniel Ortiz", "Zhang Wei", "张伟", "Xu Ting", "徐婷", "Sun Li", "孙丽",
	"Liu Qiang", "刘强", "Li Na", "李娜", "He Jun", "何军", "Feng Lei", "冯磊", "吴昊", "Wu Hao",
}

// isDemoTerm reports whether s contains one of DemoTerms.
func isDemoTerm(s string) bool { return FindDemoTerm(s) != "" }

// FindDemoTerm returns the first of DemoTerms that s contains, or "".
func FindDemoTerm(s string) string {
	low := strings.ToLower(s)
	for _, t := range DemoTerms {
		if strings.Contains(low, strings.ToLower(t)) {
			return t
		}
	}
	return ""
}
