package model_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"tutor"
	"tutor/model"
	"tutor/model/safetensors"
	"tutor/model/testmodel"
	"tutor/model/tokenizer"
)

// regexQwen2 is the Split regex of Qwen2's tokenizer.json.
const regexQwen2 = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`

// writeHFFolder writes m, a qwen2 model, as a Hugging Face folder the way transformers
// saves Qwen2: config.json, model.safetensors (F32) and tokenizer.json.
func writeHFFolder(t *testing.T, m *model.Model, dir string) {
	t.Helper()
	c := m.Config
	cfg := map[string]any{"architectures": []string{"Qwen2ForCausalLM"}, "model_type": "qwen2", "hidden_size": c.Dim,
		"num_hidden_layers": c.Layers, "num_attention_heads": c.Heads, "num_key_value_heads": c.KVHeads,
		"intermediate_size": c.FFN, "vocab_size": c.Vocab, "max_position_embeddings": c.ContextLength,
		"rms_norm_eps": c.NormEps, "rope_theta": c.RopeBase, "tie_word_embeddings": m.Tied, "torch_dtype": "float32"}
	var ts []safetensors.Tensor
	addM := func(name string, w *model.Matrix) {
		x := make([]float32, w.Rows*w.Cols)
		for r := range w.Rows {
			w.Row(r, x[r*w.Cols:(r+1)*w.Cols])
		}
		tt, err := safetensors.F32Tensor(name, safetensors.F32, []int{w.Rows, w.Cols}, x)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tt)
	}
	addV := func(name string, x []float32) {
		tt, err := safetensors.F32Tensor(name, safetensors.F32, []int{len(x)}, x)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tt)
	}
	addM("model.embed_tokens.weight", m.TokenEmbd)
	addV("model.norm.weight", m.OutputNorm)
	if !m.Tied {
		addM("lm_head.weight", m.Output)
	}
	for i, l := range m.Layers {
		p := fmt.Sprintf("model.layers.%d.", i)
		addV(p+"input_layernorm.weight", l.AttnNorm)
		addM(p+"self_attn.q_proj.weight", l.Wq)
		addM(p+"self_attn.k_proj.weight", l.Wk)
		addM(p+"self_attn.v_proj.weight", l.Wv)
		addV(p+"self_attn.q_proj.bias", l.Bq)
		addV(p+"self_attn.k_proj.bias", l.Bk)
		addV(p+"self_attn.v_proj.bias", l.Bv)
		addM(p+"self_attn.o_proj.weight", l.Wo)
		addV(p+"post_attention_layernorm.weight", l.FFNNorm)
		addM(p+"mlp.gate_proj.weight", l.Wgate)
		addM(p+"mlp.up_proj.weight", l.Wup)
		addM(p+"mlp.down_proj.weight", l.Wdown)
	}
	v := m.Tokenizer.Vocab()
	vocab := map[string]int{}
	var added []map[string]any
	for id, s := range v.Tokens {
		if v.Types[id] == tokenizer.TypeControl {
			added = append(added, map[string]any{"id": id, "content": s, "special": true})
			continue
		}
		vocab[s] = id
	}
	tok := map[string]any{
		"added_tokens": added,
		"pre_tokenizer": map[string]any{"type": "Sequence", "pretokenizers": []any{
			map[string]any{"type": "Split", "pattern": map[string]any{"Regex": regexQwen2}, "behavior": "Isolated"},
			map[string]any{"type": "ByteLevel", "add_prefix_space": false, "use_regex": false},
		}},
		"decoder": map[string]any{"type": "ByteLevel"},
		"model":   map[string]any{"type": "BPE", "vocab": vocab, "merges": v.Merges},
	}
	write := func(name string, x any) {
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config.json", cfg)
	write("tokenizer.json", tok)
	write("tokenizer_config.json", map[string]any{"eos_token": "<|im_end|>", "add_bos_token": false, "chat_template": m.Template})
	fh, err := os.Create(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := safetensors.Write(fh, ts, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
}

// TestSafetensorsFolder loads a qwen2 model saved as a Hugging Face folder and checks that it
// tokenizes and computes exactly as the same model read from GGUF.
func TestSafetensorsFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.gguf")
	if err := testmodel.Write(path, testmodel.Options{Arch: "qwen2", Seed: 4}); err != nil {
		t.Fatal(err)
	}
	ref, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	hf := filepath.Join(dir, "hf")
	if err := os.Mkdir(hf, 0o755); err != nil {
		t.Fatal(err)
	}
	writeHFFolder(t, ref, hf)
	m, err := model.Load(hf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config != ref.Config || m.Template != ref.Template {
		t.Fatalf("config %+v, want %+v", m.Config, ref.Config)
	}
	for _, text := range []string{"Hello, world", "从前有一个小女孩", "<|im_start|>user\nmixed 中文 text<|im_end|>"} {
		got, want := m.Tokenizer.Encode(text, true), ref.Tokenizer.Encode(text, true)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: tokens %v, want %v", text, got, want)
		}
	}
	prompt := ref.Tokenizer.Encode("The tutor says 你好", true)
	got, err := m.Forward(m.NewState(0), prompt, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ref.Forward(ref.NewState(0), prompt, nil)
	if !slices.Equal(got, want) {
		t.Fatal("logits differ from the GGUF model's")
	}

	// A folder without a usable config is a clear error.
	os.WriteFile(filepath.Join(hf, "config.json"), []byte(`{"model_type":"gpt_neox"}`), 0o644)
	if _, err := model.Load(hf); tutor.ErrorCode(err) != tutor.EUNSUPPORTED {
		t.Fatalf("gpt_neox folder: %v", err)
	}
}
