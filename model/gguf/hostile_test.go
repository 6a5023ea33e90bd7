package gguf

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"tutor"
	"tutor/internal/testenv"
	"tutor/model/ggml"
)

// header builds the start of a GGUF file by hand: magic, version, counts, then raw parts.
func header(version uint32, tensors, kvs uint64, parts ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, Magic)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint64(b, tensors)
	b = binary.LittleEndian.AppendUint64(b, kvs)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func u32(x uint32) []byte { return binary.LittleEndian.AppendUint32(nil, x) }
func u64(x uint64) []byte { return binary.LittleEndian.AppendUint64(nil, x) }
func str(s string) []byte { return append(u64(uint64(len(s))), s...) }

// tensorInfo encodes one tensor info.
func tensorInfo(name string, shape []uint64, typ uint32, off uint64) []byte {
	b := append(str(name), u32(uint32(len(shape)))...)
	for _, d := range shape {
		b = append(b, u64(d)...)
	}
	return append(append(b, u32(typ)...), u64(off)...)
}

func TestOpenRejectsHostileFiles(t *testing.T) {
	pad := make([]byte, 64)
	tests := []struct {
		name     string
		file     []byte
		code     string
		contains string
	}{
		{"empty", nil, tutor.EINVALID, "not a GGUF file"},
		{"wrong magic", []byte("GGML\x03\x00\x00\x00"), tutor.EINVALID, "magic"},
		{"version 1", header(1, 0, 0), tutor.EUNSUPPORTED, "version 1"},
		{"version 9", header(9, 0, 0), tutor.EUNSUPPORTED, "version 9"},
		{"big-endian", header(3<<24, 0, 0), tutor.EUNSUPPORTED, "big-endian"},
		{"truncated counts", header(3, 0, 0)[:12], tutor.EINVALID, "ends early"},
		{"huge tensor count", header(3, 1<<62, 0), tutor.EINVALID, "tensors is over the limit"},
		{"tensor count past the file", header(3, 1000, 0), tutor.EINVALID, "cannot fit"},
		{"huge kv count", header(3, 0, 1<<40), tutor.EINVALID, "over the limit"},
		{"huge key", header(3, 0, 1, u64(1<<40), pad), tutor.EINVALID, "string of 1099511627776 bytes"},
		{"key past the end", header(3, 0, 1, u64(100), []byte("abc"), pad[:10]), tutor.EINVALID, "ends early"},
		{"unknown value type", header(3, 0, 1, str("k"), u32(13)), tutor.EINVALID, "unknown value type 13"},
		{"huge array", header(3, 0, 1, str("k"), u32(9), u32(0), u64(1<<60)), tutor.EINVALID, "over the limit"},
		{"array past the end", header(3, 0, 1, str("k"), u32(9), u32(4), u64(1000)), tutor.EINVALID, "cannot fit"},
		{"string array past the end", header(3, 0, 1, str("k"), u32(9), u32(8), u64(100000)), tutor.EINVALID, "cannot fit"},
		{"deep arrays", header(3, 0, 1, str("k"), u32(9), u32(9), u64(1), u32(9), u64(1), u32(9), u64(1), u32(9), u64(1), u32(9), u64(1), pad), tutor.EINVALID, "nested deeper"},
		{"bad bool", header(3, 0, 1, str("k"), u32(7), []byte{2}), tutor.EINVALID, "bool"},
		{"duplicate key", header(3, 0, 2, str("k"), u32(0), []byte{1}, str("k"), u32(0), []byte{1}), tutor.EINVALID, "twice"},
		{"bad alignment", header(3, 0, 1, str("general.alignment"), u32(4), u32(48)), tutor.EINVALID, "power of two"},
		{"five dims", header(3, 1, 0, tensorInfo("t", []uint64{1, 1, 1, 1, 1}, 0, 0), pad), tutor.EINVALID, "5 dimensions"},
		{"unknown tensor type", header(3, 1, 0, tensorInfo("weird.weight", []uint64{4}, 99, 0), pad), tutor.EUNSUPPORTED, `"weird.weight" has unknown type 99`},
		{"tensor past the end", header(3, 1, 0, tensorInfo("t", []uint64{1000}, 0, 0), pad), tutor.EINVALID, "past the end"},
		{"offset past the end", header(3, 1, 0, tensorInfo("t", []uint64{1}, 0, 1<<63), pad), tutor.EINVALID, "past the end"},
		{"unaligned offset", header(3, 1, 0, tensorInfo("t", []uint64{1}, 0, 4), pad), tutor.EINVALID, "not a multiple"},
		{"shape overflow", header(3, 1, 0, tensorInfo("t", []uint64{1 << 32, 1 << 32, 1 << 32}, 0, 0), pad), tutor.EINVALID, "overflows"},
		{"size overflow", header(3, 1, 0, tensorInfo("t", []uint64{1 << 62}, 0, 0), pad), tutor.EINVALID, "too large"},
		{"partial block", header(3, 1, 0, tensorInfo("t", []uint64{31}, uint32(ggml.Q8_0), 0), pad), tutor.EINVALID, "whole number"},
		{"duplicate tensor", header(3, 2, 0, tensorInfo("t", []uint64{1}, 0, 0), tensorInfo("t", []uint64{1}, 0, 32), pad), tutor.EINVALID, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(bytes.NewReader(tt.file), int64(len(tt.file)))
			if err == nil {
				t.Fatalf("opened: %+v", f)
			}
			if tutor.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("got %v, want code %s and %q", err, tt.code, tt.contains)
			}
		})
	}
}

func TestOpenTruncated(t *testing.T) {
	b := MustWrite(t, everyType(), []WriterTensor{{Name: "x", Shape: []uint64{8}, Type: ggml.F32, Data: make([]byte, 32)}})
	for n := range len(b) {
		if _, err := Open(bytes.NewReader(b[:n]), int64(n)); tutor.ErrorCode(err) != tutor.EINVALID {
			t.Fatalf("truncated to %d of %d bytes: %v", n, len(b), err)
		}
	}
}

func TestOpenFileMissing(t *testing.T) {
	if _, err := OpenFile(t.TempDir() + "/none.gguf"); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("got %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(MustWrite(f, everyType(), []WriterTensor{{Name: "x", Shape: []uint64{32}, Type: ggml.Q8_0, Data: make([]byte, 34)}}))
	f.Add(header(3, 1, 1, str("general.alignment"), u32(4), u32(8), tensorInfo("t", []uint64{2}, 1, 0), make([]byte, 8)))
	// A real file's metadata (its tokenizer included) with a tiny tensor, to mutate from.
	for _, path := range []string{testenv.Stories260K(f)} {
		if real, err := OpenFile(path); err == nil {
			f.Add(MustWrite(f, real.KV, []WriterTensor{{Name: "token_embd.weight", Shape: []uint64{2, 2}, Type: ggml.F16, Data: make([]byte, 8)}}))
			real.Close()
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if code := tutor.ErrorCode(err); code != tutor.EINVALID && code != tutor.EUNSUPPORTED {
				t.Fatalf("code %s: %v", code, err)
			}
			return
		}
		tensors := make([]WriterTensor, 0, len(g.Tensors))
		for i := range g.Tensors {
			ti := &g.Tensors[i]
			data, err := g.TensorData(ti)
			if err != nil {
				t.Fatalf("tensor %q checked at Open but unreadable: %v", ti.Name, err)
			}
			tensors = append(tensors, WriterTensor{Name: ti.Name, Shape: ti.Shape, Type: ti.Type, Data: data})
		}
		// What was read writes again (when the writer's stricter rules allow) and reads the same.
		var out bytes.Buffer
		if Write(&out, g.KV, tensors) != nil {
			return
		}
		h := MustOpen(t, out.Bytes())
		if len(h.KV) != len(g.KV) || len(h.Tensors) != len(g.Tensors) {
			t.Fatalf("rewritten file differs: %d/%d keys, %d/%d tensors", len(h.KV), len(g.KV), len(h.Tensors), len(g.Tensors))
		}
	})
}
