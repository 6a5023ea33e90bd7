// Package safetensors reads and writes Hugging Face safetensors files and reads model
// folders of them (config.json, one file or shards listed in model.safetensors.index.json).
package safetensors

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"math/bits"
	"os"
	"slices"

	"tutor"
	"tutor/model/ggml"
)

// Hard limits on what a file may declare.
const (
	MaxHeaderSize = 100 << 20 // bytes of JSON header, as the reference implementation allows
	MaxTensors    = 1 << 20   // tensors in one file
	MaxDims       = 8         // dimensions of one tensor
)

// DType is a tensor's element type as safetensors names it ("F32", "BF16").
type DType string

// The element types of the format. F32, F16 and BF16 convert to float32; the others are
// known by size only.
const (
	BOOL    DType = "BOOL"
	U8      DType = "U8"
	I8      DType = "I8"
	F8_E5M2 DType = "F8_E5M2"
	F8_E4M3 DType = "F8_E4M3"
	I16     DType = "I16"
	U16     DType = "U16"
	F16     DType = "F16"
	BF16    DType = "BF16"
	I32     DType = "I32"
	U32     DType = "U32"
	F32     DType = "F32"
	F64     DType = "F64"
	I64     DType = "I64"
	U64     DType = "U64"
)

var dtypeSizes = map[DType]int{BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
	I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8}

// Size returns the bytes of one element, or 0 for an unknown type.
func (d DType) Size() int { return dtypeSizes[d] }

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int // row-major, outermost first (PyTorch order: the reverse of GGUF's)
	Begin int64 // offset of the data from the start of the data section
	End   int64 // offset one past the data
}

// NumElements returns the product of Shape.
func (ti *TensorInfo) NumElements() int64 {
	n := int64(1)
	for _, d := range ti.Shape {
		n *= int64(d)
	}
	return n
}

// File is an open safetensors file: its header, read at [Open]; data is read on demand.
type File struct {
	Metadata   map[string]string // the header's __metadata__
	Tensors    []TensorInfo      // in the order of their data
	DataOffset int64             // where the data section starts in the file

	r      io.ReaderAt
	byName map[string]int
	closer io.Closer
}

// header entry as JSON holds it.
type entry struct {
	DType       DType   `json:"dtype"`
	Shape       []int   `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// OpenFile opens and reads the safetensors file at path; [File.Close] closes it.
func OpenFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, tutor.Wrap(err, tutor.ENOTFOUND, "safetensors: no file %s", path)
	} else if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "safetensors: open %s", path)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "safetensors: stat %s", path)
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, &tutor.Error{Code: tutor.ErrorCode(err), Message: path + ": " + tutor.ErrorMessage(err)}
	}
	f.closer = fh
	return f, nil
}

// Close closes the file OpenFile opened; it does nothing for a File from Open.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Open reads the header of the safetensors file r of size bytes. The header must be
// JSON within [MaxHeaderSize], and the tensors' data must fill the data section exactly,
// without gaps or overlaps, as the reference implementation requires.
func Open(r io.ReaderAt, size int64) (*File, error) {
	var lenBuf [8]byte
	if size < 8 {
		return nil, tutor.Errorf(tutor.EINVALID, "safetensors: a file of %d bytes has no header", size)
	}
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "safetensors: read header size")
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > MaxHeaderSize || n > uint64(size-8) || n < 2 {
		return nil, tutor.Errorf(tutor.EINVALID, "safetensors: header of %d bytes in a file of %d (limit %d)", n, size, MaxHeaderSize)
	}
	hdr := make([]byte, n)
	if _, err := r.ReadAt(hdr, 8); err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "safetensors: read header")
	}
	if hdr[0] != '{' {
		return nil, tutor.Errorf(tutor.EINVALID, "safetensors: the header is not a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "safetensors: header JSON: %v", err)
	}
	if len(raw) > MaxTensors+1 {
		return nil, tutor.Errorf(tutor.EINVALID, "safetensors: %d tensors, at most %d", len(raw), MaxTensors)
	}
	f := &File{r: r, DataOffset: 8 + int64(n), byName: map[string]int{}}
	if err := f.parseHeader(raw, size-f.DataOffset); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) parseHeader(raw map[string]json.RawMessage, dataLen int64) error {
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return tutor.Errorf(tutor.EINVALID, "safetensors: __metadata__ must map strings to strings")
			}
			continue
		}
		var e entry
		if err := json.Unmarshal(msg, &e); err != nil {
			return tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q: %v", name, err)
		}
		ti, err := checkEntry(name, e)
		if err != nil {
			return err
		}
		f.Tensors = append(f.Tensors, ti)
	}
	slices.SortFunc(f.Tensors, func(a, b TensorInfo) int {
		if a.Begin != b.Begin {
			return int(min(max(a.Begin-b.Begin, -1), 1))
		}
		return int(min(max(a.End-b.End, -1), 1))
	})
	var end int64
	for i, ti := range f.Tensors {
		if ti.Begin != end {
			return tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q starts at %d, not at %d where the previous one ends", ti.Name, ti.Begin, end)
		}
		end = ti.End
		f.byName[ti.Name] = i
	}
	if end != dataLen {
		return tutor.Errorf(tutor.EINVALID, "safetensors: the tensors hold %d bytes but the data section has %d", end, dataLen)
	}
	return nil
}

// checkEntry checks one header entry: a known type, a shape without overflow and data
// offsets that span exactly its bytes.
func checkEntry(name string, e entry) (TensorInfo, error) {
	ti := TensorInfo{Name: name, DType: e.DType, Shape: e.Shape}
	size := e.DType.Size()
	switch {
	case name == "":
		return ti, tutor.Errorf(tutor.EINVALID, "safetensors: a tensor has an empty name")
	case size == 0:
		return ti, tutor.Errorf(tutor.EUNSUPPORTED, "safetensors: tensor %q has unknown dtype %q", name, e.DType)
	case len(e.Shape) > MaxDims:
		return ti, tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q has %d dimensions, at most %d", name, len(e.Shape), MaxDims)
	case len(e.DataOffsets) != 2 || e.DataOffsets[0] < 0 || e.DataOffsets[1] < e.DataOffsets[0]:
		return ti, tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q: bad data_offsets %v", name, e.DataOffsets)
	}
	n := uint64(size)
	for _, d := range e.Shape {
		hi, lo := bits.Mul64(n, uint64(d))
		if d < 0 || hi != 0 || lo > 1<<62 {
			return ti, tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q: bad shape %v", name, e.Shape)
		}
		n = lo
	}
	ti.Begin, ti.End = e.DataOffsets[0], e.DataOffsets[1]
	if uint64(ti.End-ti.Begin) != n {
		return ti, tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q: %d bytes for shape %v of %s (%d bytes)", name, ti.End-ti.Begin, e.Shape, e.DType, n)
	}
	return ti, nil
}

// Tensor returns the info of the tensor called name.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	i, ok := f.byName[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// TensorData reads the tensor's bytes.
func (f *File) TensorData(ti *TensorInfo) ([]byte, error) {
	b := make([]byte, ti.End-ti.Begin)
	if _, err := f.r.ReadAt(b, f.DataOffset+ti.Begin); err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "safetensors: tensor %q: read", ti.Name)
	}
	return b, nil
}

// Float32s reads an F32, F16 or BF16 tensor as float32.
func (f *File) Float32s(ti *TensorInfo) ([]float32, error) {
	var t ggml.Type
	switch ti.DType {
	case F32:
		t = ggml.F32
	case F16:
		t = ggml.F16
	case BF16:
		t = ggml.BF16
	default:
		return nil, tutor.Errorf(tutor.EUNSUPPORTED, "safetensors: tensor %q: cannot convert %s to float32", ti.Name, ti.DType)
	}
	b, err := f.TensorData(ti)
	if err != nil {
		return nil, err
	}
	out := make([]float32, ti.NumElements())
	return out, ggml.Dequantize(t, b, out)
}
