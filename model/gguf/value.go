package gguf

import (
	"fmt"
	"math"
)

// ValueType is the type tag of a metadata value in a GGUF file.
type ValueType uint32

// The metadata value types, numbered as in the GGUF specification.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var typeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"}

// String returns the type's name as the specification spells it ("uint32").
func (t ValueType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// size returns the encoded size of a fixed-size scalar type, or 0 for string and array.
func (t ValueType) size() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

// Value is one metadata value: a scalar, a string or an array. It keeps the exact type it
// was read or built with, so writing it again gives the same bytes.
type Value struct {
	typ  ValueType
	elem ValueType // element type of an array
	x    any       // uint8…float64, bool, string; []uint8…[]float64, []bool, []string; []Value for arrays of arrays
}

// Type returns the value's type.
func (v Value) Type() ValueType { return v.typ }

// Elem returns the element type of an array value.
func (v Value) Elem() ValueType { return v.elem }

// Any returns the value as Go holds it: uint8 … float64, bool or string for scalars;
// []uint8 … []float64, []bool or []string for arrays; []Value for arrays of arrays.
func (v Value) Any() any { return v.x }

// Len returns the number of elements of an array value, or 0.
func (v Value) Len() int {
	switch a := v.x.(type) {
	case []uint8:
		return len(a)
	case []int8:
		return len(a)
	case []uint16:
		return len(a)
	case []int16:
		return len(a)
	case []uint32:
		return len(a)
	case []int32:
		return len(a)
	case []float32:
		return len(a)
	case []bool:
		return len(a)
	case []string:
		return len(a)
	case []uint64:
		return len(a)
	case []int64:
		return len(a)
	case []float64:
		return len(a)
	case []Value:
		return len(a)
	}
	return 0
}

// String formats the value for people: scalars as Go prints them, arrays by element type
// and length.
func (v Value) String() string {
	if v.typ == TypeArray {
		return fmt.Sprintf("[%d]%s", v.Len(), v.elem)
	}
	return fmt.Sprint(v.x)
}

// Int returns an integer value of any integer type as int64; false for other types and
// for uint64 values above math.MaxInt64.
func (v Value) Int() (int64, bool) {
	switch x := v.x.(type) {
	case uint8:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case int16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case int32:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	case int64:
		return x, true
	}
	return 0, false
}

// Uint returns a non-negative integer value of any integer type as uint64.
func (v Value) Uint() (uint64, bool) {
	if x, ok := v.x.(uint64); ok {
		return x, true
	}
	i, ok := v.Int()
	return uint64(i), ok && i >= 0
}

// Float returns a float32 or float64 value, or an integer value, as float64.
func (v Value) Float() (float64, bool) {
	switch x := v.x.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	if v.typ == TypeUint64 {
		u, _ := v.Uint()
		return float64(u), true
	}
	i, ok := v.Int()
	return float64(i), ok
}

// Bool returns a bool value.
func (v Value) Bool() (bool, bool) { b, ok := v.x.(bool); return b, ok }

// Str returns a string value.
func (v Value) Str() (string, bool) { s, ok := v.x.(string); return s, ok }
