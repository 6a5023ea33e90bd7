package pretrain

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tutor/model/tokenizer"
)

// drillVocab is 256 ordinary tokens and one control token that drills must never use.
func drillVocab() tokenizer.Vocab {
	var v tokenizer.Vocab
	for i := range 257 {
		v.Tokens = append(v.Tokens, fmt.Sprintf("t%d", i))
		v.Types = append(v.Types, tokenizer.TypeNormal)
	}
	v.Types[256] = tokenizer.TypeControl
	return v
}

func TestDrillsAreCopiesOfTheirContext(t *testing.T) {
	v, sep := drillVocab(), int32(0)
	ds := drills(50, 160, 7, v, sep)
	if !reflect.DeepEqual(ds, drills(50, 160, 7, v, sep)) {
		t.Fatal("the same seed gave other drills")
	}
	if reflect.DeepEqual(ds, drills(50, 160, 8, v, sep)) {
		t.Fatal("another seed gave the same drills")
	}
	for i, d := range ds {
		if len(d.Tokens) > 160 || len(d.Mask) != len(d.Tokens) {
			t.Fatalf("drill %d: %d tokens, %d mask entries, want at most 160", i, len(d.Tokens), len(d.Mask))
		}
		ctx := slices.Index(d.Tokens, sep)
		if ctx < drillMinContext || slices.Contains(d.Mask[:ctx], true) {
			t.Fatalf("drill %d: context of %d tokens, learned ones among them", i, ctx)
		}
		if slices.Contains(d.Tokens, 256) {
			t.Fatalf("drill %d uses the control token", i)
		}
		spans := 0
		for at := ctx; at < len(d.Tokens); {
			end := at + 1
			for end < len(d.Tokens) && d.Tokens[end] != sep {
				end++
			}
			span := d.Tokens[at+1 : end]
			if len(span) < drillMinSpan || len(span) > drillMaxSpan {
				t.Fatalf("drill %d: span of %d tokens", i, len(span))
			}
			found := false
			for p := 0; p+len(span) <= ctx && !found; p++ {
				found = slices.Equal(d.Tokens[p:p+len(span)], span)
			}
			if !found {
				t.Fatalf("drill %d: span %v is not in the context", i, span)
			}
			if d.Mask[at] || d.Mask[at+1] || slices.Contains(d.Mask[at+2:end], false) {
				t.Fatalf("drill %d: span mask %v, want the separator and cue unlearned, the rest learned", i, d.Mask[at:end])
			}
			spans++
			at = end
		}
		if spans != drillSpans {
			t.Fatalf("drill %d: %d spans", i, spans)
		}
	}
}

func TestRecipeRefusesBadDrills(t *testing.T) {
	r := DefaultRecipe()
	r.Drill = -1
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "drill") {
		t.Errorf("a negative drill count: %v", err)
	}
	r.Drill, r.SeqLen = 10, 64
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "too short for copy drills") {
		t.Errorf("drills longer than a sequence: %v", err)
	}
	r.SeqLen = 128
	if err := r.Validate(); err != nil {
		t.Errorf("drills that fit: %v", err)
	}
}
