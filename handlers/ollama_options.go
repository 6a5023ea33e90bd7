package handlers

import (
	"fmt"
	"math"

	"tutor"
	"tutor/llm"
)

// ollamaOptions turns the "options" object of an Ollama API request into llm.Options,
// naming the option that is malformed. Unknown options are ignored, as Ollama does.
func ollamaOptions(m map[string]any) (llm.Options, error) {
	var o llm.Options
	num := func(key string) (float64, bool, error) {
		v, ok := m[key]
		if !ok || v == nil {
			return 0, false, nil
		}
		f, isNum := v.(float64)
		if !isNum || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, tutor.Errorf(tutor.EINVALID, "option %q: want a number, got %v", key, v)
		}
		return f, true, nil
	}
	integer := func(key string) (int, bool, error) {
		f, ok, err := num(key)
		if err != nil || !ok {
			return 0, ok, err
		}
		if f != math.Trunc(f) || math.Abs(f) > 1<<31 {
			return 0, false, tutor.Errorf(tutor.EINVALID, "option %q: want an integer, got %v", key, f)
		}
		return int(f), true, nil
	}
	if f, ok, err := num("temperature"); err != nil {
		return o, err
	} else if ok {
		if f < 0 {
			return o, tutor.Errorf(tutor.EINVALID, "option \"temperature\" must not be negative")
		}
		o.Temperature = &f
	}
	if f, ok, err := num("top_p"); err != nil {
		return o, err
	} else if ok {
		if f < 0 || f > 1 {
			return o, tutor.Errorf(tutor.EINVALID, "option \"top_p\" must be between 0 and 1")
		}
		o.TopP = f
	}
	if f, ok, err := num("repeat_penalty"); err != nil {
		return o, err
	} else if ok {
		o.RepeatPenalty = f
	}
	for key, dst := range map[string]*int{"top_k": &o.TopK, "num_ctx": &o.NumCtx, "num_predict": &o.NumPredict} {
		n, ok, err := integer(key)
		if err != nil {
			return o, err
		}
		if ok {
			*dst = n
		}
	}
	if o.TopK < 0 {
		return o, tutor.Errorf(tutor.EINVALID, "option \"top_k\" must not be negative")
	}
	if o.NumCtx < 0 {
		return o, tutor.Errorf(tutor.EINVALID, "option \"num_ctx\" must not be negative")
	}
	// Ollama reads -1 as "until a stop" and -2 as "until the context is full".
	if o.NumPredict < -2 {
		return o, tutor.Errorf(tutor.EINVALID, "option \"num_predict\" must be positive, -1 (no limit) or -2 (fill the context), got %d", o.NumPredict)
	}
	if o.NumPredict == -2 {
		o.NumPredict = -1
	}
	if n, ok, err := integer("seed"); err != nil {
		return o, err
	} else if ok {
		s := int64(n)
		o.Seed = &s
	}
	if v, ok := m["stop"]; ok && v != nil {
		stops, err := stringList(v)
		if err != nil {
			return o, tutor.Errorf(tutor.EINVALID, "option \"stop\": %v", err)
		}
		o.Stop = stops
	}
	return o, nil
}

// stringList accepts a string or a list of strings, as both APIs allow for "stop".
func stringList(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("want strings, got %v", x)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a string or a list of strings, got %v", v)
}
