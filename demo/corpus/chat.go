package corpus

import (
	"tutor/llm"
)

var (
	systems = []name{{"You are a helpful assistant.", "你是一个乐于助人的助手。"}, {"You are a knowledgeable business assistant.", "你是一名熟悉企业管理的助手。"}}
	thanks  = []struct{ user, reply name }{
		{name{"Thanks!", "谢谢！"}, name{"You're welcome. Ask me anything else.", "不客气，还有问题随时问我。"}},
		{name{"Can you say that shorter?", "能说得简短一点吗？"}, name{"", ""}},
	}
)

// chat renders a conversation: one or two questions on generic business topics answered in
// general terms, sometimes with a system turn and a closing exchange.
func (g *Generator) chat(lang string) Doc {
	text := func(n name) string {
		if lang == "zh" {
			return n.zh
		}
		return n.en
	}
	var msgs []llm.Message
	if g.rng.IntN(3) == 0 {
		msgs = append(msgs, llm.Message{Role: "system", Content: text(pick(g.rng, systems))})
	}
	for _, t := range shuffled(g.rng, knowledgeTopics)[:1+g.rng.IntN(2)] {
		body := t.en
		if lang == "zh" {
			body = t.zh
		}
		msgs = append(msgs,
			llm.Message{Role: "user", Content: text(pick(g.rng, t.questions))},
			llm.Message{Role: "assistant", Content: g.excerpt(body, lang)})
		if g.rng.IntN(4) == 0 {
			th := pick(g.rng, thanks)
			reply := text(th.reply)
			if reply == "" {
				reply = body[0]
			}
			msgs = append(msgs, llm.Message{Role: "user", Content: text(th.user)}, llm.Message{Role: "assistant", Content: reply})
		}
	}
	return Doc{Kind: Chat, Lang: lang, Messages: msgs}
}
