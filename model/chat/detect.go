package chat

import "strings"

// Detect picks the template for a model from its tokenizer.chat_template Jinja text (by the
// markers llama.cpp's llm_chat_detect_template looks for, not by running Jinja), falling back
// to its vocabulary (hasToken reports whether a token text exists; nil means unknown) and its
// general.architecture. A model with none of these gets Plain.
func Detect(jinja, arch string, hasToken func(string) bool) Template {
	has := func(s string) bool { return strings.Contains(jinja, s) }
	switch {
	case has("<|im_start|>"):
		t := ChatML
		t.Jinja = jinja
		for _, sys := range []string{"You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", "You are a helpful assistant."} {
			if has(sys+"<|im_end|>") || has("system_message = '"+sys+"'") {
				t.DefaultSystem = sys
				break
			}
		}
		return t
	case strings.HasPrefix(jinja, "mistral") || has("[INST]"):
		if has("<<SYS>>") {
			return withJinja(Llama2, jinja)
		}
		return withJinja(Mistral, jinja)
	case has("<|start_header_id|>") && has("<|end_header_id|>"):
		return withJinja(Llama3, jinja)
	}
	if hasToken != nil {
		switch {
		case hasToken("<|start_header_id|>") && hasToken("<|eot_id|>"):
			return Llama3
		case hasToken("<|im_start|>") && hasToken("<|im_end|>"):
			return ChatML
		}
	}
	if arch == "qwen2" {
		return Qwen2
	}
	return Plain
}

func withJinja(t Template, jinja string) Template {
	t.Jinja = jinja
	return t
}

// ByName returns the template called name: llama3, chatml, qwen2, llama2, mistral or plain.
func ByName(name string) (Template, bool) {
	t, ok := map[string]Template{"llama3": Llama3, "chatml": ChatML, "qwen2": Qwen2, "llama2": Llama2, "mistral": Mistral, "plain": Plain}[name]
	return t, ok
}
