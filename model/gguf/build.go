package gguf

import "tutor"

// Constructors of metadata values, for writing files.

// Uint8 returns a uint8 value.
func Uint8(x uint8) Value { return Value{typ: TypeUint8, x: x} }

// Int8 returns an int8 value.
func Int8(x int8) Value { return Value{typ: TypeInt8, x: x} }

// Uint16 returns a uint16 value.
func Uint16(x uint16) Value { return Value{typ: TypeUint16, x: x} }

// Int16 returns an int16 value.
func Int16(x int16) Value { return Value{typ: TypeInt16, x: x} }

// Uint32 returns a uint32 value.
func Uint32(x uint32) Value { return Value{typ: TypeUint32, x: x} }

// Int32 returns an int32 value.
func Int32(x int32) Value { return Value{typ: TypeInt32, x: x} }

// Uint64 returns a uint64 value.
func Uint64(x uint64) Value { return Value{typ: TypeUint64, x: x} }

// Int64 returns an int64 value.
func Int64(x int64) Value { return Value{typ: TypeInt64, x: x} }

// Float32 returns a float32 value.
func Float32(x float32) Value { return Value{typ: TypeFloat32, x: x} }

// Float64 returns a float64 value.
func Float64(x float64) Value { return Value{typ: TypeFloat64, x: x} }

// Bool returns a bool value.
func Bool(x bool) Value { return Value{typ: TypeBool, x: x} }

// String returns a string value.
func String(x string) Value { return Value{typ: TypeString, x: x} }

// Strings returns an array of strings.
func Strings(x []string) Value { return Value{typ: TypeArray, elem: TypeString, x: x} }

// Float32s returns an array of float32.
func Float32s(x []float32) Value { return Value{typ: TypeArray, elem: TypeFloat32, x: x} }

// Int32s returns an array of int32.
func Int32s(x []int32) Value { return Value{typ: TypeArray, elem: TypeInt32, x: x} }

// Uint32s returns an array of uint32.
func Uint32s(x []uint32) Value { return Value{typ: TypeArray, elem: TypeUint32, x: x} }

// Array returns an array whose elements are themselves arrays (GGUF's nested arrays);
// all must have the type TypeArray.
func Array(elems ...Value) Value { return Value{typ: TypeArray, elem: TypeArray, x: elems} }

// ValueOf returns the value holding x, one of the Go types [Value.Any] returns
// (int and []int become int64 and []int64).
func ValueOf(x any) (Value, error) {
	switch x := x.(type) {
	case uint8:
		return Uint8(x), nil
	case int8:
		return Int8(x), nil
	case uint16:
		return Uint16(x), nil
	case int16:
		return Int16(x), nil
	case uint32:
		return Uint32(x), nil
	case int32:
		return Int32(x), nil
	case uint64:
		return Uint64(x), nil
	case int64:
		return Int64(x), nil
	case int:
		return Int64(int64(x)), nil
	case float32:
		return Float32(x), nil
	case float64:
		return Float64(x), nil
	case bool:
		return Bool(x), nil
	case string:
		return String(x), nil
	case []uint8:
		return Value{typ: TypeArray, elem: TypeUint8, x: x}, nil
	case []int8:
		return Value{typ: TypeArray, elem: TypeInt8, x: x}, nil
	case []uint16:
		return Value{typ: TypeArray, elem: TypeUint16, x: x}, nil
	case []int16:
		return Value{typ: TypeArray, elem: TypeInt16, x: x}, nil
	case []uint32:
		return Uint32s(x), nil
	case []int32:
		return Int32s(x), nil
	case []uint64:
		return Value{typ: TypeArray, elem: TypeUint64, x: x}, nil
	case []int64:
		return Value{typ: TypeArray, elem: TypeInt64, x: x}, nil
	case []int:
		a := make([]int64, len(x))
		for i, v := range x {
			a[i] = int64(v)
		}
		return Value{typ: TypeArray, elem: TypeInt64, x: a}, nil
	case []float32:
		return Float32s(x), nil
	case []float64:
		return Value{typ: TypeArray, elem: TypeFloat64, x: x}, nil
	case []bool:
		return Value{typ: TypeArray, elem: TypeBool, x: x}, nil
	case []string:
		return Strings(x), nil
	case []Value:
		for _, e := range x {
			if e.typ != TypeArray {
				return Value{}, tutor.Errorf(tutor.EINVALID, "gguf: an array of arrays holds a %s", e.typ)
			}
		}
		return Array(x...), nil
	case Value:
		return x, nil
	}
	return Value{}, tutor.Errorf(tutor.EUNSUPPORTED, "gguf: no metadata type for Go type %T", x)
}
