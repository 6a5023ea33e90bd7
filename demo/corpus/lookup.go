package corpus

import (
	"strconv"
	"strings"
	"unicode"

	"tutor/llm"
)

// lookup renders a reading example whose answer can be any sentence of the passages: the
// question names a phrase of that sentence, and the answer quotes the sentence from that
// phrase on and cites its passage. Where reading teaches the handbook topics, lookup teaches
// the skill underneath: find the passage that shares the question's words and copy what it
// says. About a quarter of the time the phrase comes from a passage that is not shown, and the
// reply is Options.NotCovered.
func (g *Generator) lookup(lang string) Doc { return until(lang, g.tryLookup) }

func (g *Generator) tryLookup(lang string) (Doc, bool) {
	c, other := newCompany(g.rng), newCompany(g.rng)
	pool := g.o.Chunk(c.handbookName(lang), g.renderHandbook(c, lang))
	pool = append(pool, g.o.Chunk(other.handbookName(lang), g.otherDocument(other, lang))...)
	pool = shuffled(g.rng, pool)
	if g.o.Quote && g.rng.Float64() < g.o.Scramble {
		pool = g.scramble(pool, lang)
	}
	k := 2 + g.rng.IntN(4) // two to five passages: short examples are many examples
	if len(pool) < k+1 {
		return Doc{}, false
	}
	passages, hidden := pool[:k], pool[k]
	covered := !g.uncovered()
	from := g.rng.IntN(k)
	if g.o.Quote {
		from = g.firstMostly(k)
	}
	src := passages[from].Text
	if !covered {
		src = hidden.Text
	}
	sents := sentences(src, lang)
	if len(sents) == 0 {
		return Doc{}, false
	}
	answer := pick(g.rng, sents)
	// Half the questions name one phrase of the sentence; the others name two short, separate
	// bits of it, as a natural question shares only some of its answer's words.
	phrases := []string{g.phrase(answer, lang, false)}
	if g.rng.IntN(2) == 0 {
		phrases = []string{g.phrase(answer, lang, true), g.phrase(answer, lang, true)}
		if phrases[0] == phrases[1] || strings.Contains(phrases[0], phrases[1]) || strings.Contains(phrases[1], phrases[0]) {
			return Doc{}, false
		}
	}
	for _, p := range phrases {
		if p == "" {
			return Doc{}, false
		}
	}
	// The phrases must point at one passage: the answer's when covered, none otherwise.
	for i, p := range passages {
		all := true
		for _, ph := range phrases {
			all = all && strings.Contains(p.Text, ph)
		}
		if all != (covered && i == from) {
			return Doc{}, false
		}
	}
	reply := g.o.NotCovered(lang)
	if covered {
		// The answer goes from the first of the question's phrases to the end of its sentence:
		// a model finds where the question's words stand in a passage and copies on from
		// there, which the heads that copy can do, where going back to the start of the
		// sentence is a step further that a small model does not learn.
		at := len(answer)
		for _, p := range phrases {
			at = min(at, phraseIndex(answer, p, lang))
		}
		if at == len(answer) {
			return Doc{}, false
		}
		reply = answer[at:] + " [" + strconv.Itoa(from+1) + "]"
	}
	msgs := g.o.Prompt(passages, g.lookupQuestion(phrases, lang), lang)
	if g.o.Quote && covered {
		var ok bool
		if reply, ok = quote(msgs, from+1, passages[from]); !ok {
			return Doc{}, false
		}
	}
	return Doc{Kind: Lookup, Lang: lang, Messages: append(msgs, llm.Message{Role: "assistant", Content: reply})}, true
}

var (
	lookupEn  = []string{"What do the passages say about %s?", "What is the rule on %s?", "Tell me about %s.", "What does the handbook say about %s?", "How does %s work here?", "Anything on %s?"}
	lookupZh  = []string{"关于%s，资料里是怎么说的？", "%s是怎么规定的？", "请介绍一下%s。", "手册里关于%s有什么说明？", "%s有什么要求？"}
	lookup2En = []string{"What about %s and %s?", "How do %s and %s work here?", "What is said on %s, %s?", "Tell me about %s with %s.", "Is there a rule on %s for %s?"}
	lookup2Zh = []string{"%s的%s是什么？", "关于%s，%s有什么规定？", "%s和%s怎么处理？", "请问%s、%s是怎样的？", "%s方面，%s要注意什么？"}
)

// lookupQuestion asks about one phrase or two.
func (g *Generator) lookupQuestion(phrases []string, lang string) string {
	forms := map[bool][]string{true: lookupZh, false: lookupEn}
	if len(phrases) == 2 {
		forms = map[bool][]string{true: lookup2Zh, false: lookup2En}
	}
	q := pick(g.rng, forms[lang == "zh"])
	for _, p := range phrases {
		q = strings.Replace(q, "%s", p, 1)
	}
	return q
}

// phrase picks two to four words of an English sentence (at least one of them not a function
// word), or two to six characters of a Chinese one, as the question's topic; when short, one
// or two words, or two or three characters. It is "" when the sentence has none.
func (g *Generator) phrase(sentence, lang string, short bool) string {
	if lang == "zh" {
		rs := []rune(sentence)
		for range 8 {
			n := 2 + g.rng.IntN(5)
			if short {
				n = 2 + g.rng.IntN(2)
			}
			if len(rs) < n+1 {
				return ""
			}
			at := g.rng.IntN(len(rs) - n)
			span := rs[at : at+n]
			ok := true
			for _, r := range span {
				if !unicode.Is(unicode.Han, r) && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					ok = false
				}
			}
			if ok {
				return string(span)
			}
		}
		return ""
	}
	words := strings.Fields(sentence)
	for range 8 {
		n := 2 + g.rng.IntN(3)
		if short {
			n = 1 + g.rng.IntN(2)
		}
		if len(words) < n {
			return ""
		}
		at := g.rng.IntN(len(words) - n + 1)
		span := append([]string(nil), words[at:at+n]...)
		content := false
		for i, w := range span {
			w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if w == "" || (i < len(span)-1 && w != span[i]) {
				content = false
				break // punctuation inside the phrase
			}
			span[i] = w
			if len(w) > 3 && !functionWords[strings.ToLower(w)] {
				content = true
			}
		}
		if content {
			return strings.Join(span, " ")
		}
	}
	return ""
}

var functionWords = map[string]bool{"that": true, "with": true, "from": true, "this": true, "they": true, "have": true,
	"will": true, "when": true, "what": true, "which": true, "their": true, "there": true, "into": true, "than": true,
	"also": true, "only": true, "must": true, "should": true, "every": true, "each": true, "about": true}

// phraseIndex is where phrase first stands in sentence: anywhere in Chinese, at the start of a
// word in English. It is len(sentence) when it does not.
func phraseIndex(sentence, phrase, lang string) int {
	for at := 0; at < len(sentence); {
		i := strings.Index(sentence[at:], phrase)
		if i < 0 {
			break
		}
		i += at
		if lang == "zh" || i == 0 || !unicode.IsLetter(rune(sentence[i-1])) && !unicode.IsDigit(rune(sentence[i-1])) {
			return i
		}
		at = i + 1
	}
	return len(sentence)
}

// sentences splits text into its sentences (at . ! ? 。！？； and line breaks), keeping those
// long enough to be worth asking about.
func sentences(text, lang string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		s := strings.TrimSpace(b.String())
		b.Reset()
		s = strings.TrimLeft(s, "-*#|0123456789. ")
		if (lang == "zh" && len([]rune(s)) >= 8) || (lang != "zh" && len(strings.Fields(s)) >= 5) {
			out = append(out, s)
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		if r == '\n' {
			flush()
			continue
		}
		b.WriteRune(r)
		end := strings.ContainsRune("。！？；", r)
		if strings.ContainsRune(".!?", r) && (i+1 == len(rs) || rs[i+1] == ' ' || rs[i+1] == '\n') {
			end = true
		}
		if end {
			flush()
		}
	}
	flush()
	return out
}
