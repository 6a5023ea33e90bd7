package chat

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"tutor/llm"
	"tutor/model/tokenizer"
)

// The conversations of testdata/render.py, which rendered golden.json with jinja2.
var (
	system = llm.Message{Role: "system", Content: "You answer from the company's documents. 请用中文或英文回答。"}
	turns  = []llm.Message{
		{Role: "user", Content: "  What is the refund policy?  "},
		{Role: "assistant", Content: " Refunds within 30 days. 三十天内退款。 "},
		{Role: "user", Content: "你好，Tutor!\nSecond line."},
	}
	convs = map[string][]llm.Message{
		"1turn":         turns[:1],
		"3turns":        turns,
		"system-1turn":  append([]llm.Message{system}, turns[:1]...),
		"system-3turns": append([]llm.Message{system}, turns...),
	}
	bos = map[string]string{"llama3": "<|begin_of_text|>", "llama2": "<s>", "mistral": "<s>"}
)

func TestFormatMatchesJinja(t *testing.T) {
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string]string
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	templates := map[string]Template{"llama3": Llama3, "chatml": ChatML, "qwen2": Qwen2, "llama2": Llama2, "mistral": Mistral}
	checked := 0
	for key, want := range golden {
		parts := strings.Split(key, "/")
		kind, conv, gen := parts[0], parts[1], parts[2] == "gen=True"
		if strings.HasPrefix(want, "ERROR:") {
			continue // the Jinja template refuses this conversation (Mistral has no system role)
		}
		want = strings.TrimPrefix(want, bos[kind])
		if got := templates[kind].Format(convs[conv], gen); got != want {
			t.Errorf("%s:\n got %q\nwant %q", key, got, want)
		}
		checked++
	}
	if checked < 30 {
		t.Errorf("only %d golden cases checked", checked)
	}
}

func TestMistralSystemLikeLlamaCpp(t *testing.T) {
	// llama.cpp's expected output for Mistral-7B-Instruct-v0.2 with a system message.
	msgs := []llm.Message{
		{Role: "system", Content: "You are a helpful assistant"},
		{Role: "user", Content: "Hello"},
		{Role: "assistant", Content: "Hi there"},
		{Role: "user", Content: "Who are you"},
		{Role: "assistant", Content: "   I am an assistant   "},
		{Role: "user", Content: "Another question"},
	}
	want := "[INST] You are a helpful assistant\nHello [/INST]Hi there</s>[INST] Who are you [/INST]   I am an assistant   </s>[INST] Another question [/INST]"
	if got := Mistral.Format(msgs, true); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestDetect(t *testing.T) {
	for _, name := range []string{"llama3", "chatml", "qwen2", "llama2", "mistral"} {
		b, err := os.ReadFile("testdata/jinja/" + name + ".jinja")
		if err != nil {
			t.Fatal(err)
		}
		got := Detect(string(b), "", nil)
		want, _ := ByName(name)
		if got.Name != want.Name || got.DefaultSystem != want.DefaultSystem {
			t.Errorf("%s detected as %s (default system %q)", name, got.Name, got.DefaultSystem)
		}
	}
	vocab := map[string]bool{"<|im_start|>": true, "<|im_end|>": true}
	if got := Detect("", "llama", func(s string) bool { return vocab[s] }); got.Name != "chatml" {
		t.Errorf("vocabulary with <|im_start|>: %s", got.Name)
	}
	if got := Detect("", "qwen2", nil); got.Name != "chatml" || got.DefaultSystem == "" {
		t.Errorf("qwen2 architecture: %+v", got)
	}
	if got := Detect("", "llama", nil); got.Name != "plain" {
		t.Errorf("no hints: %s", got.Name)
	}
}

func TestPlain(t *testing.T) {
	got := Plain.Format(convs["system-3turns"][:3], true)
	want := system.Content + "\n\nUser: " + turns[0].Content + "\n\nAssistant: " + turns[1].Content + "\n\nAssistant:"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestTutorTemplate(t *testing.T) {
	if Tutor.Name != "chatml" || Tutor.DefaultSystem != "" || len(Tutor.SpecialTokens()) != 2 {
		t.Errorf("Tutor template changed: %+v", Tutor)
	}
	if Detect(Tutor.Jinja, "llama", nil).Name != "chatml" {
		t.Error("Tutor's Jinja text is not detected as chatml")
	}
}

func TestTutorPromptTokenizes(t *testing.T) {
	tok, err := tokenizer.New(tokenizer.TinyBPE(nil, 400, Tutor.SpecialTokens()...))
	if err != nil {
		t.Fatal(err)
	}
	prompt := Tutor.Format(convs["system-1turn"], true)
	ids := tok.Encode(prompt, true)
	start, _ := tok.TokenID("<|im_start|>")
	end, _ := tok.TokenID("<|im_end|>")
	n := 0
	for _, id := range ids {
		if id == start || id == end {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d chat control tokens in %q, want 5", n, prompt)
	}
	if !tok.IsEOG(end) {
		t.Error("<|im_end|> does not end generation")
	}
}
