package model

import (
	"fmt"

	"tutor"
)

// Config is the shape of a Llama-family transformer, read from GGUF metadata
// (`<arch>.embedding_length`, `<arch>.block_count`, …) or a Hugging Face config.json.
type Config struct {
	Arch          string  // llama or qwen2
	Dim           int     // embedding width, C
	Layers        int     // transformer blocks, L
	Heads         int     // query heads, H
	KVHeads       int     // key/value heads (grouped-query attention when < Heads)
	HeadDim       int     // width of one head, D = Dim/Heads unless the file says otherwise
	FFN           int     // hidden width of the feed-forward block, F
	Vocab         int     // vocabulary size, V
	ContextLength int     // positions the model was trained on
	NormEps       float32 // RMSNorm epsilon
	RopeBase      float32 // RoPE frequency base θ
	RopeDim       int     // leading dimensions of each head that RoPE rotates
	RopeNeox      bool    // rotate halves (x[i], x[i+D/2]) as GPT-NeoX/Qwen2 do, not adjacent pairs
	RopeScale     float32 // position multiplier: 1, or 1/factor for linear scaling
}

// metadata is what Config needs from a GGUF file's key/value section.
type metadata interface {
	String(key string) (string, bool)
	Uint(key string) (uint64, bool)
	Float(key string) (float64, bool)
}

// configFromMeta reads a Config from GGUF metadata; vocab is the row count of token_embd.
func configFromMeta(md metadata, vocab int) (Config, error) {
	arch, _ := md.String("general.architecture")
	c := Config{Arch: arch, Vocab: vocab}
	switch arch {
	case "llama", "mistral":
		c.Arch = "llama"
	case "qwen2":
		c.RopeNeox = true
	case "":
		return c, tutor.Errorf(tutor.EINVALID, "gguf: general.architecture missing")
	default:
		return c, tutor.Errorf(tutor.EUNSUPPORTED, "architecture %q: only llama and qwen2 run in the built-in engine", arch)
	}
	integer := func(key string, dst *int, required bool) error {
		v, ok := md.Uint(arch + "." + key)
		if !ok {
			if required {
				return tutor.Errorf(tutor.EINVALID, "gguf: %s.%s missing", arch, key)
			}
			return nil
		}
		if v > 1<<24 {
			return tutor.Errorf(tutor.EINVALID, "gguf: %s.%s = %d is out of range", arch, key, v)
		}
		*dst = int(v)
		return nil
	}
	for _, f := range []struct {
		key      string
		dst      *int
		required bool
	}{
		{"embedding_length", &c.Dim, true},
		{"block_count", &c.Layers, true},
		{"attention.head_count", &c.Heads, true},
		{"attention.head_count_kv", &c.KVHeads, false},
		{"feed_forward_length", &c.FFN, true},
		{"context_length", &c.ContextLength, false},
		{"rope.dimension_count", &c.RopeDim, false},
		{"attention.key_length", &c.HeadDim, false},
	} {
		if err := integer(f.key, f.dst, f.required); err != nil {
			return c, err
		}
	}
	c.NormEps = 1e-5
	if v, ok := md.Float(arch + ".attention.layer_norm_rms_epsilon"); ok {
		c.NormEps = float32(v)
	}
	c.RopeBase = 10000
	if v, ok := md.Float(arch + ".rope.freq_base"); ok {
		c.RopeBase = float32(v)
	}
	c.RopeScale = 1
	typ, _ := md.String(arch + ".rope.scaling.type")
	factor, hasFactor := md.Float(arch + ".rope.scaling.factor")
	if !hasFactor {
		// Older files give the linear scale directly.
		if v, ok := md.Float(arch + ".rope.scale_linear"); ok {
			typ, factor, hasFactor = "linear", v, true
		}
	}
	switch {
	case typ == "" || typ == "none" || !hasFactor || factor == 0 || factor == 1:
	case typ == "linear":
		c.RopeScale = float32(1 / factor)
	default:
		return c, tutor.Errorf(tutor.EUNSUPPORTED, "rope scaling %q is not supported", typ)
	}
	return c, c.fill()
}

// fill derives the defaulted fields and checks that the shape is consistent.
func (c *Config) fill() error {
	if c.KVHeads == 0 {
		c.KVHeads = c.Heads
	}
	if c.Heads > 0 && c.HeadDim == 0 {
		c.HeadDim = c.Dim / c.Heads
	}
	if c.RopeDim == 0 {
		c.RopeDim = c.HeadDim
	}
	if c.ContextLength == 0 {
		c.ContextLength = 2048
	}
	switch {
	case c.Dim <= 0 || c.Layers <= 0 || c.Heads <= 0 || c.FFN <= 0 || c.Vocab <= 0:
		return tutor.Errorf(tutor.EINVALID, "model shape %s: dimensions must be positive", c)
	case c.KVHeads <= 0 || c.Heads%c.KVHeads != 0:
		return tutor.Errorf(tutor.EINVALID, "model shape %s: %d heads are not a multiple of %d key/value heads", c, c.Heads, c.KVHeads)
	case c.HeadDim <= 0 || c.RopeDim > c.HeadDim || c.RopeDim%2 != 0:
		return tutor.Errorf(tutor.EINVALID, "model shape %s: rope dimension %d does not fit head width %d", c, c.RopeDim, c.HeadDim)
	case c.NormEps <= 0 || c.RopeBase <= 0:
		return tutor.Errorf(tutor.EINVALID, "model shape %s: epsilon and rope base must be positive", c)
	}
	return nil
}

// String describes the shape in one line.
func (c Config) String() string {
	return fmt.Sprintf("%s dim=%d layers=%d heads=%d/%d ffn=%d vocab=%d ctx=%d",
		c.Arch, c.Dim, c.Layers, c.Heads, c.KVHeads, c.FFN, c.Vocab, c.ContextLength)
}

// Parameters returns the number of weights of a model of this shape
// (tied output embedding counted once when tied).
func (c Config) Parameters(tied bool) int64 {
	C, F, V := int64(c.Dim), int64(c.FFN), int64(c.Vocab)
	kv := int64(c.KVHeads * c.HeadDim)
	q := int64(c.Heads * c.HeadDim)
	perLayer := 2*C + C*q + 2*C*kv + q*C + 3*C*F
	if c.Arch == "qwen2" {
		perLayer += q + 2*kv
	}
	n := V*C + int64(c.Layers)*perLayer + C
	if !tied {
		n += V * C
	}
	return n
}
