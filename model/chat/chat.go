// Package chat formats conversations into prompts with the chat templates of the model families
// Tutor runs (llama3, ChatML/Qwen, llama2, mistral, plain) and detects which one a model uses.
package chat

import (
	"embed"
	"strings"

	"tutor/llm"
)

//go:embed testdata/jinja/*.jinja
var jinjaFS embed.FS

func jinja(name string) string {
	b, err := jinjaFS.ReadFile("testdata/jinja/" + name + ".jinja")
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}

// Template is one chat format. Format renders what the model's Hugging Face Jinja template
// renders, except the BOS token at the very start, which the tokenizer adds (Encode with
// addSpecial); BOS and EOS texts inside the conversation stay and are parsed as special tokens.
type Template struct {
	Name          string   // llama3, chatml, llama2, mistral or plain
	DefaultSystem string   // system message used when the conversation has none
	Stop          []string // stop strings, as in Ollama's template of the family
	Jinja         string   // the Hugging Face template, for tokenizer.chat_template in GGUF files
}

// The templates Tutor knows.
var (
	// Llama3 is Meta Llama 3 Instruct's format.
	Llama3 = Template{Name: "llama3", Stop: []string{"<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"}, Jinja: jinja("llama3")}
	// ChatML is the <|im_start|>role … <|im_end|> format of Qwen and many others.
	ChatML = Template{Name: "chatml", Stop: []string{"<|im_start|>", "<|im_end|>"}, Jinja: jinja("chatml")}
	// Qwen2 is ChatML with Qwen2-Instruct's default system message.
	Qwen2 = Template{Name: "chatml", DefaultSystem: "You are a helpful assistant.", Stop: ChatML.Stop, Jinja: jinja("qwen2")}
	// Llama2 is Llama 2 Chat's [INST] … [/INST] format with <<SYS>>.
	Llama2 = Template{Name: "llama2", Stop: []string{"[INST]", "[/INST]", "<<SYS>>", "<</SYS>>"}, Jinja: jinja("llama2")}
	// Mistral is Mistral 7B Instruct's [INST] … [/INST] format; it has no system role, so a
	// system message goes in front of the first user message, as llama.cpp does.
	Mistral = Template{Name: "mistral", Stop: []string{"[INST]", "[/INST]"}, Jinja: jinja("mistral")}
	// Plain is for base models without a chat format: "User: …" and "Assistant: …" paragraphs.
	Plain = Template{Name: "plain", Stop: []string{"\nUser:", "\nSystem:"}}

	// Tutor is the format of the models Tutor makes itself (test models, the demo model) and
	// the one adapters are trained in when a base model has no format of its own: ChatML, with
	// <|im_start|> and <|im_end|> as control tokens of the vocabulary and <|im_end|> ending a
	// turn (llama.cpp and Ollama treat it as end of generation). The GGUF files carry its
	// Jinja text in tokenizer.chat_template, so Ollama picks its chatml template for them.
	Tutor = ChatML
)

// SpecialTokens returns the control tokens a vocabulary needs for the template t.
func (t Template) SpecialTokens() []string {
	switch t.Name {
	case "llama3":
		return []string{"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"}
	case "chatml":
		return []string{"<|im_start|>", "<|im_end|>"}
	}
	return nil
}

// Format renders msgs; with addGenerationPrompt it ends with the header that asks the model
// for the assistant's reply (llama2, mistral and plain prompts always end that way after a user
// message).
func (t Template) Format(msgs []llm.Message, addGenerationPrompt bool) string {
	if t.DefaultSystem != "" && (len(msgs) == 0 || msgs[0].Role != "system") {
		msgs = append([]llm.Message{{Role: "system", Content: t.DefaultSystem}}, msgs...)
	}
	var b strings.Builder
	switch t.Name {
	case "llama3":
		for _, m := range msgs {
			b.WriteString("<|start_header_id|>" + m.Role + "<|end_header_id|>\n\n" + trim(m.Content) + "<|eot_id|>")
		}
		if addGenerationPrompt {
			b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
		}
	case "chatml":
		for _, m := range msgs {
			b.WriteString("<|im_start|>" + m.Role + "\n" + m.Content + "<|im_end|>\n")
		}
		if addGenerationPrompt {
			b.WriteString("<|im_start|>assistant\n")
		}
	case "llama2":
		formatLlama2(&b, msgs)
	case "mistral":
		formatMistral(&b, msgs)
	default:
		formatPlain(&b, msgs, addGenerationPrompt)
	}
	return b.String()
}

// formatLlama2 follows Llama 2 Chat's template: each user turn is BOS [INST] … [/INST] (the
// first BOS left to the tokenizer), each reply " … </s>", the system message wrapped in
// <<SYS>> inside the next user turn, and both stripped of surrounding white space.
func formatLlama2(b *strings.Builder, msgs []llm.Message) {
	system := ""
	for _, m := range msgs {
		switch m.Role {
		case "system":
			system += m.Content
		case "assistant":
			b.WriteString(" " + trim(m.Content) + " </s>")
		default:
			content := m.Content
			if system != "" {
				content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content
				system = ""
			}
			if b.Len() > 0 {
				b.WriteString("<s>")
			}
			b.WriteString("[INST] " + trim(content) + " [/INST]")
		}
	}
}

// formatMistral follows Mistral 7B Instruct v0.1/v0.2's template: [INST] … [/INST] for user
// turns, replies followed by </s>, contents as they are.
func formatMistral(b *strings.Builder, msgs []llm.Message) {
	system := ""
	for _, m := range msgs {
		switch m.Role {
		case "system":
			system += m.Content + "\n"
		case "assistant":
			b.WriteString(m.Content + "</s>")
		default:
			b.WriteString("[INST] " + system + m.Content + " [/INST]")
			system = ""
		}
	}
}

// formatPlain writes the system message, then "User: …" and "Assistant: …" paragraphs.
func formatPlain(b *strings.Builder, msgs []llm.Message, addGenerationPrompt bool) {
	for _, m := range msgs {
		switch m.Role {
		case "system":
			b.WriteString(m.Content + "\n\n")
		case "assistant":
			b.WriteString("Assistant: " + m.Content + "\n\n")
		default:
			b.WriteString("User: " + m.Content + "\n\n")
		}
	}
	if addGenerationPrompt {
		b.WriteString("Assistant:")
	}
}

// trim is Python's str.strip(), which the templates apply (Jinja's trim filter is the same).
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680,
			0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
			return true
		}
		return r >= 0x2000 && r <= 0x200a
	})
}
