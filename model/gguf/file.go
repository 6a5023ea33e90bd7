// Package gguf reads and writes GGUF files (versions 2 and 3): ordered metadata of every
// type, tensor infos and tensor data, with hard limits against hostile files.
package gguf

import (
	"io"
	"os"

	"tutor"
	"tutor/model/ggml"
)

// DefaultAlignment is the alignment of tensor data when general.alignment is absent.
const DefaultAlignment = 32

// KV is one metadata entry.
type KV struct {
	Key   string
	Value Value
}

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name   string
	Shape  []uint64 // GGUF order: ne0 (the contiguous dimension, a row's length) first
	Type   ggml.Type
	Offset uint64 // from the start of the data section
}

// NumElements returns the number of elements, the product of Shape.
func (ti *TensorInfo) NumElements() uint64 {
	n := uint64(1)
	for _, d := range ti.Shape {
		n *= d
	}
	return n
}

// Bytes returns the size of the tensor's data in bytes.
func (ti *TensorInfo) Bytes() uint64 {
	bs, bb := uint64(ti.Type.BlockSize()), uint64(ti.Type.BlockBytes())
	if bs == 0 {
		return 0
	}
	return ti.NumElements() / bs * bb
}

// File is an open GGUF file: its metadata and tensor infos, read at [Open]; tensor data
// is read on demand.
type File struct {
	Version    uint32
	KV         []KV // in file order
	Tensors    []TensorInfo
	Alignment  uint64 // of tensor data: general.alignment or DefaultAlignment
	DataOffset int64  // where the data section starts in the file

	r       io.ReaderAt
	size    int64
	closer  io.Closer
	keys    map[string]int
	tensors map[string]int
}

// OpenFile opens and reads the GGUF file at path; [File.Close] closes it.
func OpenFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, tutor.Wrap(err, tutor.ENOTFOUND, "gguf: no file %s", path)
	} else if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "gguf: open %s", path)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "gguf: stat %s", path)
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, annotate(err, "%s", path)
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

// Get returns the value of key.
func (f *File) Get(key string) (Value, bool) {
	i, ok := f.keys[key]
	if !ok {
		return Value{}, false
	}
	return f.KV[i].Value, true
}

// String returns the string value of key.
func (f *File) String(key string) (string, bool) { v, _ := f.Get(key); return v.Str() }

// Uint returns the value of key if it is a non-negative integer of any integer type.
func (f *File) Uint(key string) (uint64, bool) { v, _ := f.Get(key); return v.Uint() }

// Int returns the value of key if it is an integer of any integer type that fits int64.
func (f *File) Int(key string) (int64, bool) { v, _ := f.Get(key); return v.Int() }

// Float returns the value of key if it is a number.
func (f *File) Float(key string) (float64, bool) { v, _ := f.Get(key); return v.Float() }

// Bool returns the bool value of key.
func (f *File) Bool(key string) (bool, bool) { v, _ := f.Get(key); return v.Bool() }

// Strings returns the value of key if it is an array of strings.
func (f *File) Strings(key string) ([]string, bool) {
	v, _ := f.Get(key)
	s, ok := v.x.([]string)
	return s, ok
}

// Float32s returns the value of key if it is an array of float32.
func (f *File) Float32s(key string) ([]float32, bool) {
	v, _ := f.Get(key)
	s, ok := v.x.([]float32)
	return s, ok
}

// Int32s returns the value of key if it is an array of int32, or of another integer type
// whose elements all fit int32.
func (f *File) Int32s(key string) ([]int32, bool) {
	v, ok := f.Get(key)
	if !ok || v.typ != TypeArray {
		return nil, false
	}
	if s, ok := v.x.([]int32); ok {
		return s, true
	}
	var out []int32
	for i := range v.Len() {
		n, ok := elemInt(v, i)
		if !ok || int64(int32(n)) != n {
			return nil, false
		}
		out = append(out, int32(n))
	}
	return out, true
}

// Architecture returns general.architecture ("llama", "qwen2", "bert"), or "".
func (f *File) Architecture() string { s, _ := f.String("general.architecture"); return s }

// Tensor returns the info of the tensor called name.
func (f *File) Tensor(name string) (*TensorInfo, bool) {
	i, ok := f.tensors[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// TensorReader returns a reader of exactly the tensor's bytes.
func (f *File) TensorReader(ti *TensorInfo) *io.SectionReader {
	return io.NewSectionReader(f.r, f.DataOffset+int64(ti.Offset), int64(ti.Bytes()))
}

// TensorData reads the tensor's bytes. The tensor must be one of f's; its bounds were
// checked at Open and are checked again here.
func (f *File) TensorData(ti *TensorInfo) ([]byte, error) {
	n := ti.Bytes()
	if ti.Offset > uint64(f.size) || n > uint64(f.size) || f.DataOffset+int64(ti.Offset)+int64(n) > f.size {
		return nil, tutor.Errorf(tutor.EINVALID, "gguf: tensor %q: %d bytes at %d lie past the end of the file", ti.Name, n, ti.Offset)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, f.DataOffset+int64(ti.Offset)); err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "gguf: tensor %q: read", ti.Name)
	}
	return b, nil
}

// TensorFloat32s reads the tensor and converts it to float32 (see [ggml.Dequantize]).
func (f *File) TensorFloat32s(ti *TensorInfo) ([]float32, error) {
	b, err := f.TensorData(ti)
	if err != nil {
		return nil, err
	}
	out := make([]float32, ti.NumElements())
	if err := ggml.Dequantize(ti.Type, b, out); err != nil {
		return nil, annotate(err, "gguf: tensor %q", ti.Name)
	}
	return out, nil
}

// elemInt returns element i of an integer array as int64.
func elemInt(v Value, i int) (int64, bool) {
	switch a := v.x.(type) {
	case []uint8:
		return int64(a[i]), true
	case []int8:
		return int64(a[i]), true
	case []uint16:
		return int64(a[i]), true
	case []int16:
		return int64(a[i]), true
	case []uint32:
		return int64(a[i]), true
	case []int32:
		return int64(a[i]), true
	case []int64:
		return a[i], true
	case []uint64:
		return int64(a[i]), a[i] <= 1<<63-1
	}
	return 0, false
}
