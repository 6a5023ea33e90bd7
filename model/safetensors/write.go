package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"

	"tutor"
	"tutor/model/ggml"
)

// Tensor is a tensor to write.
type Tensor struct {
	Name  string
	DType DType
	Shape []int // row-major, outermost first
	Data  []byte
}

// F32Tensor returns a Tensor holding x as F32, F16 or BF16.
func F32Tensor(name string, dtype DType, shape []int, x []float32) (Tensor, error) {
	t := map[DType]ggml.Type{F32: ggml.F32, F16: ggml.F16, BF16: ggml.BF16}
	gt, ok := t[dtype]
	if !ok {
		return Tensor{}, tutor.Errorf(tutor.EUNSUPPORTED, "safetensors: cannot write float32 values as %s", dtype)
	}
	b, err := ggml.Quantize(gt, x)
	return Tensor{Name: name, DType: dtype, Shape: shape, Data: b}, err
}

// Write writes a safetensors file holding tensors, their data in the given order, and
// metadata as __metadata__ (omitted when empty). The header is padded with spaces to a
// multiple of 8 bytes, as the reference implementation does.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	hdr := map[string]any{}
	if len(metadata) > 0 {
		hdr["__metadata__"] = metadata
	}
	var off int64
	for _, t := range tensors {
		if t.Name == "" || t.Name == "__metadata__" {
			return tutor.Errorf(tutor.EINVALID, "safetensors: bad tensor name %q", t.Name)
		}
		if _, dup := hdr[t.Name]; dup {
			return tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q appears twice", t.Name)
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		e := entry{DType: t.DType, Shape: shape, DataOffsets: []int64{off, off + int64(len(t.Data))}}
		if _, err := checkEntry(t.Name, e); err != nil {
			return err
		}
		hdr[t.Name] = e
		off += int64(len(t.Data))
	}
	js, err := json.Marshal(hdr)
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "safetensors: header")
	}
	js = append(js, bytes.Repeat([]byte(" "), (8-len(js)%8)%8)...)
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(js))))
	bw.Write(js)
	for _, t := range tensors {
		bw.Write(t.Data)
	}
	if err := bw.Flush(); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "safetensors: write")
	}
	return nil
}
