package i18n

func init() {
	add(map[string]Text{
		"jobs.intro":             {"Long work — ingestion, training, evaluation — runs as jobs. Follow one live, or cancel it.", "耗时的工作（导入、训练、评估）以任务形式运行。可实时查看进度或取消。"},
		"jobs.demo_intro":        {"Check the job runner and the live view with a short self-test job (about ten seconds, no model needed).", "运行一个简短的自检任务（约十秒，无需模型），检查任务运行器和实时视图。"},
		"jobs.demo_start":        {"Run self-test job", "运行自检任务"},
		"jobs.empty_title":       {"No jobs yet", "还没有任务"},
		"jobs.empty_body":        {"Jobs appear here when documents are ingested, a model is trained or a suite is evaluated.", "导入文档、训练模型或运行评估时，任务会显示在这里。"},
		"jobs.progress":          {"Progress", "进度"},
		"jobs.kind":              {"Job of kind %s, number %d", "任务类型 %s，编号 %d"},
		"jobs.log":               {"Log", "日志"},
		"jobs.cancel":            {"Cancel job", "取消任务"},
		"jobs.started":           {"Started: %s", "开始：%s"},
		"jobs.finished":          {"Finished: %s", "结束：%s"},
		"jobs.attempts":          {"Attempt %d", "第 %d 次尝试"},
		"jobs.state.queued":      {"queued", "排队中"},
		"jobs.state.running":     {"running", "运行中"},
		"jobs.state.succeeded":   {"succeeded", "已成功"},
		"jobs.state.failed":      {"failed", "已失败"},
		"jobs.state.cancelled":   {"cancelled", "已取消"},
		"jobs.state.interrupted": {"interrupted", "已中断"},
	})
}
