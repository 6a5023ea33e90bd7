package gguf

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"

	"tutor"
	"tutor/model/ggml"
)

// MaxTensorNameLength is the longest tensor name llama.cpp loads (GGML_MAX_NAME - 1);
// the writer refuses longer ones.
const MaxTensorNameLength = 63

// WriterTensor is a tensor to write: its info and its data (exactly [TensorInfo.Bytes]).
type WriterTensor struct {
	Name  string
	Shape []uint64 // GGUF order, ne0 first
	Type  ggml.Type
	Data  []byte
}

// Write writes a GGUF version 3 file holding kv in order and tensors in order, each
// tensor's data aligned to general.alignment (from kv, else [DefaultAlignment]).
func Write(w io.Writer, kv []KV, tensors []WriterTensor) error {
	infos := make([]TensorInfo, len(tensors))
	for i, t := range tensors {
		infos[i] = TensorInfo{Name: t.Name, Shape: t.Shape, Type: t.Type}
	}
	gw, err := NewWriter(w, kv, infos)
	if err != nil {
		return err
	}
	for _, t := range tensors {
		if err := gw.WriteTensor(t.Data); err != nil {
			return err
		}
	}
	return gw.Close()
}

// Writer writes a GGUF file whose tensor data comes one tensor at a time, so a large
// model need not be held in memory. [NewWriter] writes the header; call
// [Writer.WriteTensor] once per tensor in order, then [Writer.Close].
type Writer struct {
	w       *bufio.Writer
	tensors []TensorInfo
	next    int
	align   uint64
	off     uint64 // bytes written into the data section
	err     error
}

// NewWriter checks kv and tensors and writes the header. The tensors' Offset fields are
// ignored: each tensor's data follows the previous one, padded to the alignment.
func NewWriter(w io.Writer, kv []KV, tensors []TensorInfo) (*Writer, error) {
	gw := &Writer{w: bufio.NewWriterSize(w, 1<<16), tensors: make([]TensorInfo, len(tensors)), align: DefaultAlignment}
	if err := gw.checkKV(kv); err != nil {
		return nil, err
	}
	var off uint64
	names := map[string]bool{}
	for i, t := range tensors {
		if err := checkWriterTensor(t, names); err != nil {
			return nil, err
		}
		t.Shape = append([]uint64(nil), t.Shape...)
		t.Offset = off
		gw.tensors[i] = t
		off = alignUp64(off+t.Bytes(), gw.align)
	}
	e := &encoder{w: gw.w}
	e.u32(Magic)
	e.u32(3)
	e.u64(uint64(len(tensors)))
	e.u64(uint64(len(kv)))
	for _, p := range kv {
		e.str(p.Key)
		e.u32(uint32(p.Value.typ))
		e.value(p.Value)
	}
	for _, t := range gw.tensors {
		e.str(t.Name)
		e.u32(uint32(len(t.Shape)))
		for _, d := range t.Shape {
			e.u64(d)
		}
		e.u32(uint32(t.Type))
		e.u64(t.Offset)
	}
	e.pad(gw.align)
	if e.err != nil {
		return nil, tutor.Wrap(e.err, tutor.EINTERNAL, "gguf: write header")
	}
	return gw, nil
}

func (gw *Writer) checkKV(kv []KV) error {
	keys := map[string]bool{}
	for _, p := range kv {
		if p.Key == "" || len(p.Key) > MaxStringLength {
			return tutor.Errorf(tutor.EINVALID, "gguf: metadata key %q is empty or too long", p.Key)
		}
		if keys[p.Key] {
			return tutor.Errorf(tutor.EINVALID, "gguf: metadata key %q appears twice", p.Key)
		}
		keys[p.Key] = true
		if err := checkValue(p.Value, 0); err != nil {
			return annotate(err, "gguf: metadata %q", p.Key)
		}
		if p.Key == "general.alignment" {
			a, ok := p.Value.x.(uint32)
			if !ok || a == 0 || a&(a-1) != 0 || a > MaxAlignment {
				return tutor.Errorf(tutor.EINVALID, "gguf: general.alignment must be a uint32 power of two up to %d, not %v", MaxAlignment, p.Value)
			}
			gw.align = uint64(a)
		}
	}
	return nil
}

// checkValue checks that v's Go value agrees with its type, so it encodes as declared.
func checkValue(v Value, depth int) error {
	want, err := ValueOf(v.x)
	if err != nil || want.typ != v.typ || want.elem != v.elem || v.x == nil {
		return tutor.Errorf(tutor.EINVALID, "a %s value holding %T", v.typ, v.x)
	}
	if s, ok := v.x.(string); ok && len(s) > MaxStringLength {
		return tutor.Errorf(tutor.EINVALID, "a string of %d bytes is over the limit of %d", len(s), MaxStringLength)
	}
	if v.typ == TypeArray {
		if depth >= MaxArrayDepth || v.Len() > MaxArraySize {
			return tutor.Errorf(tutor.EINVALID, "an array over the limits (%d elements, depth %d)", v.Len(), depth+1)
		}
		if a, ok := v.x.([]Value); ok {
			for _, e := range a {
				if err := checkValue(e, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkWriterTensor(t TensorInfo, names map[string]bool) error {
	switch {
	case t.Name == "" || len(t.Name) > MaxTensorNameLength:
		return tutor.Errorf(tutor.EINVALID, "gguf: tensor name %q must have 1 to %d bytes", t.Name, MaxTensorNameLength)
	case names[t.Name]:
		return tutor.Errorf(tutor.EINVALID, "gguf: tensor %q appears twice", t.Name)
	case len(t.Shape) == 0 || len(t.Shape) > MaxDims:
		return tutor.Errorf(tutor.EINVALID, "gguf: tensor %q: %d dimensions, want 1 to %d", t.Name, len(t.Shape), MaxDims)
	case !t.Type.Known():
		return tutor.Errorf(tutor.EUNSUPPORTED, "gguf: tensor %q: unknown type %s", t.Name, t.Type)
	case t.Shape[0]%uint64(t.Type.BlockSize()) != 0:
		return tutor.Errorf(tutor.EINVALID, "gguf: tensor %q: row of %d is not whole %s blocks", t.Name, t.Shape[0], t.Type)
	}
	names[t.Name] = true
	n := uint64(1)
	for _, d := range t.Shape {
		if d != 0 && n > math.MaxInt64/8/d {
			return tutor.Errorf(tutor.EINVALID, "gguf: tensor %q: shape %v is too large", t.Name, t.Shape)
		}
		n *= d
	}
	return nil
}

// WriteTensor writes the data of the next tensor, which must be exactly its size.
func (gw *Writer) WriteTensor(data []byte) error {
	if gw.err != nil {
		return gw.err
	}
	if gw.next >= len(gw.tensors) {
		return tutor.Errorf(tutor.EINVALID, "gguf: more tensor data than the %d tensors declared", len(gw.tensors))
	}
	t := &gw.tensors[gw.next]
	if uint64(len(data)) != t.Bytes() {
		return tutor.Errorf(tutor.EINVALID, "gguf: tensor %q: %d bytes of data, want %d", t.Name, len(data), t.Bytes())
	}
	gw.next++
	// Padding goes between tensors, none after the last: Ollama reads what follows the
	// last tensor as another GGUF file and refuses trailing zeros.
	e := &encoder{w: gw.w, n: int64(gw.off)}
	e.pad(gw.align)
	e.write(data)
	gw.off = uint64(e.n)
	if e.err != nil {
		gw.err = tutor.Wrap(e.err, tutor.EINTERNAL, "gguf: write tensor %q", t.Name)
	}
	return gw.err
}

// Close flushes the file; it fails when tensors declared were not written.
func (gw *Writer) Close() error {
	if gw.err != nil {
		return gw.err
	}
	if gw.next != len(gw.tensors) {
		return tutor.Errorf(tutor.EINVALID, "gguf: %d of %d tensors written", gw.next, len(gw.tensors))
	}
	if err := gw.w.Flush(); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "gguf: write")
	}
	return nil
}

// encoder writes little-endian values, remembering the first error and the count.
type encoder struct {
	w   io.Writer
	n   int64
	err error
	buf [8]byte
}

func (e *encoder) write(p []byte) {
	if e.err != nil {
		return
	}
	n, err := e.w.Write(p)
	e.n += int64(n)
	e.err = err
}

func (e *encoder) u32(x uint32) { binary.LittleEndian.PutUint32(e.buf[:], x); e.write(e.buf[:4]) }
func (e *encoder) u64(x uint64) { binary.LittleEndian.PutUint64(e.buf[:], x); e.write(e.buf[:8]) }
func (e *encoder) str(s string) { e.u64(uint64(len(s))); e.write([]byte(s)) }

func (e *encoder) pad(align uint64) {
	var zeros [64]byte
	for n := alignUp64(uint64(e.n), align) - uint64(e.n); n > 0; {
		k := min(n, uint64(len(zeros)))
		e.write(zeros[:k])
		n -= k
	}
}

// value writes v's payload (its type tag is written by the caller).
func (e *encoder) value(v Value) {
	le := binary.LittleEndian
	switch x := v.x.(type) {
	case uint8:
		e.write([]byte{x})
	case int8:
		e.write([]byte{byte(x)})
	case bool:
		b := byte(0)
		if x {
			b = 1
		}
		e.write([]byte{b})
	case uint16:
		e.write(le.AppendUint16(nil, x))
	case int16:
		e.write(le.AppendUint16(nil, uint16(x)))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	case string:
		e.str(x)
	default:
		e.array(v)
	}
}

func (e *encoder) array(v Value) {
	e.u32(uint32(v.elem))
	e.u64(uint64(v.Len()))
	if a, ok := v.x.([]Value); ok {
		for _, x := range a {
			e.array(x)
		}
		return
	}
	if a, ok := v.x.([]string); ok {
		for _, s := range a {
			e.str(s)
		}
		return
	}
	e.write(encodeArray(v))
}

// encodeArray returns the bytes of an array of fixed-size elements.
func encodeArray(v Value) []byte {
	le := binary.LittleEndian
	b := make([]byte, 0, v.Len()*v.elem.size())
	switch a := v.x.(type) {
	case []uint8:
		b = append(b, a...)
	case []int8:
		for _, x := range a {
			b = append(b, byte(x))
		}
	case []bool:
		for _, x := range a {
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	case []uint16:
		for _, x := range a {
			b = le.AppendUint16(b, x)
		}
	case []int16:
		for _, x := range a {
			b = le.AppendUint16(b, uint16(x))
		}
	case []uint32:
		for _, x := range a {
			b = le.AppendUint32(b, x)
		}
	case []int32:
		for _, x := range a {
			b = le.AppendUint32(b, uint32(x))
		}
	case []float32:
		for _, x := range a {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
	case []uint64:
		for _, x := range a {
			b = le.AppendUint64(b, x)
		}
	case []int64:
		for _, x := range a {
			b = le.AppendUint64(b, uint64(x))
		}
	case []float64:
		for _, x := range a {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
	}
	return b
}

func alignUp64(n, a uint64) uint64 { return (n + a - 1) / a * a }
