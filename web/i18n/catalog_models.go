package i18n

func init() {
	add(map[string]Text{
		"models.intro":             {"The base models Tutor can run, the adapters trained on them, and the backends that serve them.", "Tutor 可运行的基础模型、在其上训练的适配器，以及提供服务的后端。"},
		"models.ollama":            {"Ollama server: %s", "Ollama 服务器：%s"},
		"models.served":            {"Served models", "对外提供的模型"},
		"models.served_empty":      {"No model is served yet. Train an adapter or add a base model to serve it through the Ollama- and OpenAI-compatible APIs.", "还没有对外提供的模型。训练适配器或添加基础模型后，即可通过兼容 Ollama 和 OpenAI 的接口提供服务。"},
		"models.files":             {"GGUF files in the workspace", "工作区中的 GGUF 文件"},
		"models.files_empty":       {"No GGUF files in %s. Copy a model there (for example from Ollama's model store) to run it with the built-in engine.", "%s 中没有 GGUF 文件。把模型复制到这里（例如从 Ollama 的模型库），即可用内置引擎运行。"},
		"models.broken":            {"%s cannot be read: %s", "无法读取 %s：%s"},
		"models.ollama_models":     {"Ollama's models", "Ollama 的模型"},
		"models.ollama_off":        {"No Ollama server is configured. Set TUTOR_OLLAMA_URL to list and use its models.", "未配置 Ollama 服务器。设置 TUTOR_OLLAMA_URL 后即可列出并使用其模型。"},
		"models.ollama_down":       {"The Ollama server cannot be listed: %s", "无法列出 Ollama 服务器的模型：%s"},
		"models.ollama_empty":      {"The Ollama server has no models. Pull or create one in Ollama.", "Ollama 服务器上没有模型。请在 Ollama 中拉取或创建模型。"},
		"models.backend":           {"Backend", "后端"},
		"models.architecture":      {"Architecture", "架构"},
		"models.parameters":        {"Parameters", "参数量"},
		"models.quantization":      {"Quantization", "量化"},
		"models.context":           {"Context length", "上下文长度"},
		"models.size":              {"Size", "大小"},
		"models.publish":           {"Publish to Ollama", "发布到 Ollama"},
		"models.publish_intro":     {"Create a model in the Ollama server %s from a served base and its adapter, with the same chat format and stop texts, so the tools that use Ollama get the tuned model.", "在 Ollama 服务器 %s 上用对外提供的基础模型及其适配器创建模型，聊天格式和停止词与 Tutor 相同，使用 Ollama 的工具即可调用调优后的模型。"},
		"models.publish_model":     {"Served model", "对外提供的模型"},
		"models.publish_name":      {"Name in Ollama", "在 Ollama 中的名称"},
		"models.publish_button":    {"Publish", "发布"},
		"models.published_empty":   {"Nothing has been published to Ollama yet.", "还没有发布到 Ollama 的模型。"},
		"models.published_base":    {"Base model", "基础模型"},
		"models.published_adapter": {"Adapter", "适配器"},
		"models.published_server":  {"Ollama server", "Ollama 服务器"},
		"models.published_when":    {"Published", "发布时间"},
	})
}
