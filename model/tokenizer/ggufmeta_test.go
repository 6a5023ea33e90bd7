package tokenizer

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
)

// readGGUFMeta reads the metadata of a GGUF file: just enough of the format for tests to load
// a real vocabulary.
func readGGUFMeta(tb testing.TB, path string) map[string]any {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	le := binary.LittleEndian
	u32 := func() uint32 { var v uint32; must(tb, binary.Read(r, le, &v)); return v }
	u64 := func() uint64 { var v uint64; must(tb, binary.Read(r, le, &v)); return v }
	str := func() string {
		b := make([]byte, u64())
		_, err := io.ReadFull(r, b)
		must(tb, err)
		return string(b)
	}
	var value func(typ uint32) any
	value = func(typ uint32) any {
		switch typ {
		case 0, 1, 7: // u8 i8 bool
			b, err := r.ReadByte()
			must(tb, err)
			if typ == 7 {
				return b != 0
			}
			return int64(b)
		case 2, 3:
			var v uint16
			must(tb, binary.Read(r, le, &v))
			return int64(v)
		case 4:
			return int64(u32())
		case 5:
			return int64(int32(u32()))
		case 6:
			return float64(math.Float32frombits(u32()))
		case 8:
			return str()
		case 9:
			et, n := u32(), u64()
			out := make([]any, n)
			for i := range out {
				out[i] = value(et)
			}
			return out
		case 10, 11:
			return int64(u64())
		case 12:
			return math.Float64frombits(u64())
		}
		tb.Fatalf("gguf: type %d", typ)
		return nil
	}
	if magic := u32(); magic != 0x46554747 {
		tb.Fatalf("gguf: magic %x", magic)
	}
	u32()
	u64()
	kvs := u64()
	meta := map[string]any{}
	for range kvs {
		k := str()
		meta[k] = value(u32())
	}
	return meta
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// vocabFromMeta fills a Vocab from GGUF metadata the way the engine does.
func vocabFromMeta(tb testing.TB, meta map[string]any) Vocab {
	tb.Helper()
	model, _ := meta["tokenizer.ggml.model"].(string)
	pre, _ := meta["tokenizer.ggml.pre"].(string)
	v := Defaults(model, pre)
	for _, x := range meta["tokenizer.ggml.tokens"].([]any) {
		v.Tokens = append(v.Tokens, x.(string))
	}
	if s, ok := meta["tokenizer.ggml.scores"].([]any); ok {
		for _, x := range s {
			v.Scores = append(v.Scores, float32(x.(float64)))
		}
	}
	if s, ok := meta["tokenizer.ggml.token_type"].([]any); ok {
		for _, x := range s {
			v.Types = append(v.Types, int32(x.(int64)))
		}
	}
	if s, ok := meta["tokenizer.ggml.merges"].([]any); ok {
		for _, x := range s {
			v.Merges = append(v.Merges, x.(string))
		}
	}
	ids := map[string]*int{"bos": &v.BOS, "eos": &v.EOS, "unknown": &v.UNK, "padding": &v.PAD, "eot": &v.EOT, "eom": &v.EOM}
	for k, p := range ids {
		if x, ok := meta["tokenizer.ggml."+k+"_token_id"].(int64); ok {
			*p = SpecialID(uint64(x), *p, len(v.Tokens))
		}
	}
	flags := map[string]*bool{"add_bos_token": &v.AddBOS, "add_eos_token": &v.AddEOS, "add_space_prefix": &v.AddSpacePrefix}
	for k, p := range flags {
		if x, ok := meta["tokenizer.ggml."+k].(bool); ok {
			*p = x
		}
	}
	return v
}

func TestReadStoriesMeta(t *testing.T) {
	meta := readGGUFMeta(t, storiesPath(t))
	for k, v := range meta {
		if !strings.HasPrefix(k, "tokenizer.") {
			continue
		}
		s := fmt.Sprint(v)
		if len(s) > 300 {
			s = s[:300]
		}
		t.Logf("%s = %s", k, s)
	}
}
