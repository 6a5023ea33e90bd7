package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"

	"tutor"
	"tutor/model/ggml"
)

// Hard limits on what a file may declare; a file over one is rejected before anything
// is allocated for it. Every length is also checked against the bytes left in the file.
const (
	Magic           = 0x46554747 // "GGUF" read as a little-endian uint32
	MaxStringLength = 1 << 24    // bytes in one string (a chat template, a key, a name)
	MaxArraySize    = 1 << 24    // elements in one array (a vocabulary, its merges)
	MaxArrayDepth   = 4          // arrays of arrays of …
	MaxKVCount      = 1 << 16    // metadata entries
	MaxTensorCount  = 1 << 20    // tensors
	MaxDims         = 4          // dimensions of a tensor
	MaxAlignment    = 1 << 16    // general.alignment
)

// decoder reads the header with a running offset and the bytes left in the file.
type decoder struct {
	r    *bufio.Reader
	off  int64
	size int64
	buf  [8]byte

	truncated bool // the file ended inside something it declared
}

func (d *decoder) left() int64 { return d.size - d.off }

// read fills p, failing cleanly at the end of the file.
func (d *decoder) read(p []byte) error {
	if int64(len(p)) > d.left() {
		d.truncated = true
		return errTruncated
	}
	n, err := io.ReadFull(d.r, p)
	d.off += int64(n)
	if err != nil {
		return tutor.Wrap(err, tutor.EINVALID, "read at offset %d", d.off)
	}
	return nil
}

var errTruncated = tutor.Errorf(tutor.EINVALID, "the file ends early")

// annotate returns err with context before its message and the same code, keeping
// err's own cause rather than nesting err's message twice.
func annotate(err error, format string, args ...any) error {
	e := &tutor.Error{Code: tutor.ErrorCode(err), Message: fmt.Sprintf(format, args...) + ": " + tutor.ErrorMessage(err), Err: err}
	if te := (*tutor.Error)(nil); errors.As(err, &te) {
		e.Err = te.Err
	}
	return e
}

func (d *decoder) u32() (uint32, error) {
	err := d.read(d.buf[:4])
	return binary.LittleEndian.Uint32(d.buf[:4]), err
}

func (d *decoder) u64() (uint64, error) {
	err := d.read(d.buf[:8])
	return binary.LittleEndian.Uint64(d.buf[:8]), err
}

// str reads a length-prefixed string of at most max bytes.
func (d *decoder) str(max uint64) (string, error) {
	n, err := d.u64()
	if err != nil {
		return "", err
	}
	if n > max {
		return "", tutor.Errorf(tutor.EINVALID, "a string of %d bytes is over the limit of %d", n, max)
	}
	if int64(n) > d.left() {
		d.truncated = true
		return "", errTruncated
	}
	b := make([]byte, n)
	if err := d.read(b); err != nil {
		return "", err
	}
	return string(b), nil
}

// count reads an element count and checks that n elements of at least min bytes each
// fit in both the limit and the rest of the file.
func (d *decoder) count(limit, min uint64, what string) (int, error) {
	n, err := d.u64()
	if err != nil {
		return 0, err
	}
	if n > limit {
		return 0, tutor.Errorf(tutor.EINVALID, "%d %s is over the limit of %d", n, what, limit)
	}
	if hi, lo := bits.Mul64(n, min); hi != 0 || lo > uint64(d.left()) {
		return 0, tutor.Errorf(tutor.EINVALID, "%d %s cannot fit in the %d bytes left", n, what, d.left())
	}
	return int(n), nil
}

// value reads a value of type t; depth counts enclosing arrays.
func (d *decoder) value(t ValueType, depth int) (Value, error) {
	if t == TypeArray {
		return d.array(depth + 1)
	}
	if t == TypeString {
		s, err := d.str(MaxStringLength)
		return String(s), err
	}
	n := t.size()
	if n == 0 {
		return Value{}, tutor.Errorf(tutor.EINVALID, "unknown value type %d", uint32(t))
	}
	if err := d.read(d.buf[:n]); err != nil {
		return Value{}, err
	}
	return scalar(t, d.buf[:n])
}

// scalar decodes the fixed-size value of type t in b.
func scalar(t ValueType, b []byte) (Value, error) {
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return Uint8(b[0]), nil
	case TypeInt8:
		return Int8(int8(b[0])), nil
	case TypeBool:
		if b[0] > 1 {
			return Value{}, tutor.Errorf(tutor.EINVALID, "bool value %d is neither 0 nor 1", b[0])
		}
		return Bool(b[0] == 1), nil
	case TypeUint16:
		return Uint16(le.Uint16(b)), nil
	case TypeInt16:
		return Int16(int16(le.Uint16(b))), nil
	case TypeUint32:
		return Uint32(le.Uint32(b)), nil
	case TypeInt32:
		return Int32(int32(le.Uint32(b))), nil
	case TypeFloat32:
		return Float32(math.Float32frombits(le.Uint32(b))), nil
	case TypeUint64:
		return Uint64(le.Uint64(b)), nil
	case TypeInt64:
		return Int64(int64(le.Uint64(b))), nil
	default: // TypeFloat64
		return Float64(math.Float64frombits(le.Uint64(b))), nil
	}
}

// array reads an array: element type, count, elements.
func (d *decoder) array(depth int) (Value, error) {
	if depth > MaxArrayDepth {
		return Value{}, tutor.Errorf(tutor.EINVALID, "arrays nested deeper than %d", MaxArrayDepth)
	}
	et, err := d.u32()
	if err != nil {
		return Value{}, err
	}
	elem := ValueType(et)
	switch elem {
	case TypeString:
		n, err := d.count(MaxArraySize, 8, "array elements")
		if err != nil {
			return Value{}, err
		}
		a := make([]string, n)
		for i := range a {
			if a[i], err = d.str(MaxStringLength); err != nil {
				return Value{}, err
			}
		}
		return Strings(a), nil
	case TypeArray:
		n, err := d.count(MaxArraySize, 12, "array elements")
		if err != nil {
			return Value{}, err
		}
		a := make([]Value, n)
		for i := range a {
			if a[i], err = d.array(depth + 1); err != nil {
				return Value{}, err
			}
		}
		return Array(a...), nil
	}
	size := elem.size()
	if size == 0 {
		return Value{}, tutor.Errorf(tutor.EINVALID, "unknown array element type %d", et)
	}
	n, err := d.count(MaxArraySize, uint64(size), "array elements")
	if err != nil {
		return Value{}, err
	}
	raw := make([]byte, n*size)
	if err := d.read(raw); err != nil {
		return Value{}, err
	}
	return decodeArray(elem, raw, n)
}

// decodeArray decodes n fixed-size elements of type t from raw.
func decodeArray(t ValueType, raw []byte, n int) (Value, error) {
	le := binary.LittleEndian
	var x any
	switch t {
	case TypeUint8:
		x = raw
	case TypeInt8:
		x = fill(n, func(i int) int8 { return int8(raw[i]) })
	case TypeBool:
		for _, b := range raw {
			if b > 1 {
				return Value{}, tutor.Errorf(tutor.EINVALID, "bool value %d is neither 0 nor 1", b)
			}
		}
		x = fill(n, func(i int) bool { return raw[i] == 1 })
	case TypeUint16:
		x = fill(n, func(i int) uint16 { return le.Uint16(raw[2*i:]) })
	case TypeInt16:
		x = fill(n, func(i int) int16 { return int16(le.Uint16(raw[2*i:])) })
	case TypeUint32:
		x = fill(n, func(i int) uint32 { return le.Uint32(raw[4*i:]) })
	case TypeInt32:
		x = fill(n, func(i int) int32 { return int32(le.Uint32(raw[4*i:])) })
	case TypeFloat32:
		x = fill(n, func(i int) float32 { return math.Float32frombits(le.Uint32(raw[4*i:])) })
	case TypeUint64:
		x = fill(n, func(i int) uint64 { return le.Uint64(raw[8*i:]) })
	case TypeInt64:
		x = fill(n, func(i int) int64 { return int64(le.Uint64(raw[8*i:])) })
	case TypeFloat64:
		x = fill(n, func(i int) float64 { return math.Float64frombits(le.Uint64(raw[8*i:])) })
	}
	return Value{typ: TypeArray, elem: t, x: x}, nil
}

func fill[T any](n int, f func(int) T) []T {
	a := make([]T, n)
	for i := range a {
		a[i] = f(i)
	}
	return a
}

// Open reads the header of the GGUF file r of size bytes: metadata and tensor infos.
// A file that is not GGUF, is truncated, or declares more than the limits above gives an
// EINVALID error; a tensor of a type GGML does not define gives EUNSUPPORTED.
func Open(r io.ReaderAt, size int64) (*File, error) {
	f := &File{r: r, size: size, keys: map[string]int{}, tensors: map[string]int{}, Alignment: DefaultAlignment}
	d := &decoder{r: bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 1<<16), size: size}
	if err := f.readHeader(d); err != nil {
		code, msg := tutor.ErrorCode(err), tutor.ErrorMessage(err)
		if te := (*tutor.Error)(nil); errors.As(err, &te) {
			err = te.Err
		}
		if d.truncated {
			msg += fmt.Sprintf(" (at offset %d of %d)", d.off, size)
		}
		return nil, &tutor.Error{Code: code, Message: "gguf: " + msg, Err: err}
	}
	return f, nil
}

func (f *File) readHeader(d *decoder) error {
	magic, err := d.u32()
	if err != nil {
		return tutor.Errorf(tutor.EINVALID, "not a GGUF file: %d bytes", d.size)
	}
	if magic != Magic {
		return tutor.Errorf(tutor.EINVALID, "not a GGUF file: magic %#08x", magic)
	}
	if f.Version, err = d.u32(); err != nil {
		return err
	}
	switch {
	case f.Version == 1:
		return tutor.Errorf(tutor.EUNSUPPORTED, "GGUF version 1 is not supported; convert the file again")
	case f.Version&0xFFFF == 0 && f.Version != 0:
		return tutor.Errorf(tutor.EUNSUPPORTED, "big-endian GGUF files are not supported")
	case f.Version != 2 && f.Version != 3:
		return tutor.Errorf(tutor.EUNSUPPORTED, "GGUF version %d is not supported", f.Version)
	}
	nt, err := d.count(MaxTensorCount, 8+4+4+8, "tensors")
	if err != nil {
		return err
	}
	nkv, err := d.count(MaxKVCount, 8+4+1, "metadata entries")
	if err != nil {
		return err
	}
	if err := f.readKV(d, nkv); err != nil {
		return err
	}
	if err := f.readTensorInfos(d, nt); err != nil {
		return err
	}
	f.DataOffset = alignUp(d.off, int64(f.Alignment))
	if f.DataOffset > d.size && nt > 0 {
		return tutor.Errorf(tutor.EINVALID, "the data section starts at %d, past the end of the file (%d bytes)", f.DataOffset, d.size)
	}
	return f.checkTensors()
}

func (f *File) readKV(d *decoder, n int) error {
	f.KV = make([]KV, 0, min(n, 1024))
	for i := range n {
		key, err := d.str(MaxStringLength)
		if err != nil {
			return annotate(err, "metadata entry %d: key", i)
		}
		if _, dup := f.keys[key]; dup {
			return tutor.Errorf(tutor.EINVALID, "metadata entry %d: key %q appears twice", i, key)
		}
		t, err := d.u32()
		if err != nil {
			return err
		}
		v, err := d.value(ValueType(t), 0)
		if err != nil {
			return annotate(err, "metadata %q", key)
		}
		f.keys[key] = len(f.KV)
		f.KV = append(f.KV, KV{Key: key, Value: v})
	}
	if v, ok := f.Get("general.alignment"); ok {
		a, ok := v.Uint()
		if !ok || a == 0 || a&(a-1) != 0 || a > MaxAlignment {
			return tutor.Errorf(tutor.EINVALID, "general.alignment %v is not a power of two up to %d", v, MaxAlignment)
		}
		f.Alignment = a
	}
	return nil
}

func (f *File) readTensorInfos(d *decoder, n int) error {
	f.Tensors = make([]TensorInfo, 0, min(n, 4096))
	for i := range n {
		name, err := d.str(MaxStringLength)
		if err != nil {
			return annotate(err, "tensor %d: name", i)
		}
		if _, dup := f.tensors[name]; dup {
			return tutor.Errorf(tutor.EINVALID, "tensor %d: name %q appears twice", i, name)
		}
		nd, err := d.u32()
		if err != nil {
			return err
		}
		if nd > MaxDims {
			return tutor.Errorf(tutor.EINVALID, "tensor %q: %d dimensions, at most %d", name, nd, MaxDims)
		}
		ti := TensorInfo{Name: name, Shape: make([]uint64, nd)}
		for j := range ti.Shape {
			if ti.Shape[j], err = d.u64(); err != nil {
				return err
			}
		}
		t, err := d.u32()
		if err != nil {
			return err
		}
		ti.Type = ggml.Type(t)
		if ti.Offset, err = d.u64(); err != nil {
			return err
		}
		f.tensors[name] = len(f.Tensors)
		f.Tensors = append(f.Tensors, ti)
	}
	return nil
}

// checkTensors checks each tensor's type, shape and place: a known type, a row length
// that is whole blocks, sizes without overflow, an aligned offset, data inside the file.
func (f *File) checkTensors() error {
	for i := range f.Tensors {
		ti := &f.Tensors[i]
		if !ti.Type.Known() {
			return tutor.Errorf(tutor.EUNSUPPORTED, "tensor %q has unknown type %d", ti.Name, uint32(ti.Type))
		}
		n := uint64(1)
		for _, dim := range ti.Shape {
			hi, lo := bits.Mul64(n, dim)
			if hi != 0 || lo > math.MaxInt64 {
				return tutor.Errorf(tutor.EINVALID, "tensor %q: shape %v overflows", ti.Name, ti.Shape)
			}
			n = lo
		}
		if n/uint64(ti.Type.BlockSize()) > math.MaxInt64/uint64(ti.Type.BlockBytes()) {
			return tutor.Errorf(tutor.EINVALID, "tensor %q: shape %v is too large", ti.Name, ti.Shape)
		}
		if len(ti.Shape) > 0 && ti.Shape[0]%uint64(ti.Type.BlockSize()) != 0 {
			return tutor.Errorf(tutor.EINVALID, "tensor %q: row of %d elements is not a whole number of %s blocks of %d",
				ti.Name, ti.Shape[0], ti.Type, ti.Type.BlockSize())
		}
		if ti.Offset%f.Alignment != 0 {
			return tutor.Errorf(tutor.EINVALID, "tensor %q: offset %d is not a multiple of the alignment %d", ti.Name, ti.Offset, f.Alignment)
		}
		size, room := ti.Bytes(), uint64(f.size-f.DataOffset)
		if ti.Offset > room || size > room-ti.Offset {
			return tutor.Errorf(tutor.EINVALID, "tensor %q: %d bytes at offset %d lie past the end of the file", ti.Name, size, ti.Offset)
		}
	}
	return nil
}

func alignUp(n, a int64) int64 { return (n + a - 1) / a * a }
