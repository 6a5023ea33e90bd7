package i18n

func init() {
	add(map[string]Text{
		"home.intro":            {"Tutor fine-tunes your private model on your documents (learning to speak) and retrieves from them (looking it up), then shows which works better.", "Tutor 用公司文档微调私有模型（学会说话），也可以从文档中检索（查资料），并对比哪种更好。"},
		"home.documents":        {"Upload the company's documents; they feed both training and retrieval.", "上传公司文档，用于训练和检索。"},
		"home.compare":          {"Ask once, read the variants' answers side by side, vote for the better one.", "提一次问题，并排查看各变体的回答，投票选出更好的。"},
		"home.train":            {"Train a LoRA adapter on the documents and watch it learn.", "用文档训练 LoRA 适配器，并观察训练过程。"},
		"home.evaluate":         {"Run evaluation suites and see metrics per variant.", "运行评估套件，查看各变体的指标。"},
		"home.models":           {"Base models, adapters and where they run.", "基础模型、适配器及其运行位置。"},
		"home.recent_jobs":      {"Recent jobs", "最近的任务"},
		"documents.intro":       {"The company documents: they feed both retrieval and training. Upload txt, md, html, pdf, docx, or a zip of them.", "公司文档：既用于检索，也用于训练。可上传 txt、md、html、pdf、docx 或它们的 zip 压缩包。"},
		"documents.empty_title": {"No documents yet", "还没有文档"},
		"documents.empty_body":  {"Upload the company's handbook, policies, manuals or minutes; each is split into passages and indexed for retrieval.", "上传公司的手册、制度、产品说明或会议纪要；每份文档会被切分成段落并建立检索索引。"},
		"documents.size":        {"Size", "大小"},
		"compare.intro":         {"Ask a question once and read the answers of base, base+RAG, tuned and tuned+RAG side by side.", "提一次问题，并排查看基础模型、基础+RAG、微调模型、微调+RAG 的回答。"},
		"compare.empty_title":   {"Nothing to compare yet", "还没有可对比的内容"},
		"compare.empty_body":    {"Comparing needs a model and the document index; neither is available in this build yet.", "对比需要模型和文档索引，此版本尚未提供。"},
		"compare.votes":         {"Votes so far", "已有投票"},
		"train.intro":           {"Train a LoRA adapter on the documents: the model learns to speak your way.", "用文档训练 LoRA 适配器，让模型学会你们的说话方式。"},
		"train.empty_title":     {"No training runs yet", "还没有训练记录"},
		"train.empty_body":      {"A trainer starts a run above: upload a dataset, choose a base model, start.", "训练师可在上方开始训练：上传数据集，选择基础模型，然后开始。"},
		"evaluate.intro":        {"Run an evaluation suite over the variants and compare metrics per category.", "在各变体上运行评估套件，按类别比较指标。"},
		"evaluate.empty_title":  {"No evaluation runs yet", "还没有评估记录"},
		"evaluate.empty_body":   {"Start a run above: choose a suite and the variants to compare.", "在上方开始一次评估：选择套件和要比较的变体。"},
	})
}
