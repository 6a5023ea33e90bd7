package tokenizer

import (
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

func TestBPETrainerMatchesNaiveTraining(t *testing.T) {
	corpus := append(append([]string{}, TinyCorpus...), "aaaa aaa aaaaa abab ababab 哈哈哈哈 哈哈")
	for _, size := range []int{260, 300, 420} {
		tr, err := NewBPETrainer("qwen2")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range corpus {
			tr.Add(s)
		}
		got, err := tr.Train(size, "<|im_start|>", "<|im_end|>")
		if err != nil {
			t.Fatal(err)
		}
		want := TinyBPE(corpus, size, "<|im_start|>", "<|im_end|>")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("size %d: incremental training differs from the naive one (-naive +incremental):\n%s", size, diff)
		}
	}
}

func TestBPETrainerRoundTripsChinese(t *testing.T) {
	tr, err := NewBPETrainer("qwen2")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("公司每个季度制定一次目标，并且每周检查进展。The team reviews progress every week. ", 50)
	tr.Add(text)
	v, err := tr.Train(600, "<|im_start|>", "<|im_end|>")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := New(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"公司每个季度制定一次目标。", "进展 progress 每周", "没见过的字：鑫龘 and émoji 🙂"} {
		ids := tok.Encode(s, false)
		if got := tok.Decode(ids); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	if ids := tok.Encode("<|im_start|>user", false); len(ids) == 0 || v.Tokens[ids[0]] != "<|im_start|>" {
		t.Errorf("<|im_start|> is not one control token: %v", ids)
	}
	// Frequent Chinese text is learned: far fewer tokens than its 3-byte characters.
	if n, chars := len(tok.Encode("公司每个季度制定一次目标", false)), 12; n > chars/2 {
		t.Errorf("%d tokens for %d frequent Chinese characters, want at most %d", n, chars, chars/2)
	}
	if _, err := tr.Train(100); err == nil {
		t.Error("a vocabulary smaller than the byte alphabet was accepted")
	}
}

func TestBPETrainerWhole(t *testing.T) {
	tr, err := NewBPETrainer("qwen2")
	if err != nil {
		t.Fatal(err)
	}
	tr.Add(strings.Repeat("公司每个季度制定一次目标。The team reviews progress every week. ", 50))
	// 龘 and 鑫 never occur in the text; 公 and 司 do, and share their first two bytes' merge
	// with nothing else kept whole.
	whole := []rune("鑫龘公司")
	tr.Whole(whole...)
	v, err := tr.Train(400)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := New(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range whole {
		if ids := tok.Encode(string(c), false); len(ids) != 1 {
			t.Errorf("%c is %d tokens, want 1", c, len(ids))
		}
	}
	for _, s := range []string{"鑫龘公司每个季度", "没见过的字：鱻 and progress"} {
		if got := tok.Decode(tok.Encode(s, false)); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	// The text's own merges are still learned after the kept characters.
	if n := len(tok.Encode("公司每个季度制定一次目标", false)); n > 6 {
		t.Errorf("%d tokens for frequent text, want at most 6", n)
	}
	// Too many characters for the size asked is an error, not a vocabulary without them.
	small, _ := NewBPETrainer("qwen2")
	small.Whole([]rune("鑫龘公司每个季度制定一次目标")...)
	if _, err := small.Train(270); err == nil {
		t.Error("a vocabulary too small for the kept characters was accepted")
	}
}

func BenchmarkBPETrainer(b *testing.B) {
	var sb strings.Builder
	for i := range 2000 {
		sb.WriteString(TinyCorpus[i%len(TinyCorpus)])
		sb.WriteString(strings.Repeat("x", i%7))
		sb.WriteByte('\n')
	}
	text := sb.String()
	for b.Loop() {
		tr, _ := NewBPETrainer("qwen2")
		tr.Add(text)
		if _, err := tr.Train(2048); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBPETrainerMaxHan(t *testing.T) {
	text := strings.Repeat("服务水平协议规定公司响应和解决问题的速度。Support answers within two hours. ", 60)
	longest := func(limit int) (int, *Tokenizer) {
		tr, err := NewBPETrainer("qwen2")
		if err != nil {
			t.Fatal(err)
		}
		tr.Add(text)
		tr.MaxHan(limit)
		v, err := tr.Train(420)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := New(v)
		if err != nil {
			t.Fatal(err)
		}
		most := 0
		for i := range v.Tokens {
			n := 0
			for _, r := range tok.Decode([]int{i}) {
				if unicode.Is(unicode.Han, r) {
					n++
				}
			}
			most = max(most, n)
		}
		return most, tok
	}
	// Without a limit the repeated clause becomes one token.
	if most, _ := longest(0); most < 10 {
		t.Fatalf("without a limit the longest token holds %d Chinese characters, want the whole clause", most)
	}
	most, tok := longest(2)
	if most != 2 {
		t.Errorf("with a limit of 2 the longest token holds %d Chinese characters", most)
	}
	ids := tok.Encode("服务水平协议规定公司响应和解决问题的速度。", false)
	if got := tok.Decode(ids); got != "服务水平协议规定公司响应和解决问题的速度。" {
		t.Errorf("round trip gave %q", got)
	}
	if len(ids) > 14 {
		t.Errorf("%d tokens for the clause, want the two-character merges learned (at most 14)", len(ids))
	}
	// English words are not held back.
	if ids := tok.Encode("Support answers", false); len(ids) != 2 {
		t.Errorf("%q is %d tokens, want 2", "Support answers", len(ids))
	}
}
