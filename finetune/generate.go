package finetune

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"tutor"
	"tutor/llm"
)

// QAPrompt is what a teacher model is asked for each passage; %d is the number of pairs and
// %s the passage.
const QAPrompt = "Write %d question and answer pairs that a new colleague could ask about the passage below, answered only from the passage, in its language and wording. Use exactly this format, nothing else:\nQ: <question>\nA: <answer>\n\nPassage:\n%s"

// QAOptions configure the generation of question/answer pairs.
type QAOptions struct {
	Model    string // the teacher's model name on its backend
	Adapter  string // optional adapter of the teacher (built-in backend)
	PerChunk int    // pairs asked per passage; 0: 3
	Options  llm.Options
}

// GenerateQA asks a teacher (any llm.Generator: a model on Ollama, or the base itself) for
// question/answer pairs about each passage, as chat records whose Source names the passage,
// to be reviewed and edited (WriteJSONL) before training. A passage whose answer holds no
// pair is reported in problems, not fatal; progress, if set, is called after each passage.
func GenerateQA(ctx context.Context, gen llm.Generator, passages []Record, o QAOptions, progress func(done, total int)) (recs []Record, problems []string, err error) {
	if o.PerChunk <= 0 {
		o.PerChunk = 3
	}
	for i, p := range passages {
		text := strings.TrimSpace(p.Text)
		if text == "" {
			continue
		}
		res, err := gen.Generate(ctx, llm.Request{Model: o.Model, Adapter: o.Adapter, Options: o.Options,
			Messages: []llm.Message{{Role: "user", Content: fmt.Sprintf(QAPrompt, o.PerChunk, text)}}}, nil)
		if err != nil {
			return recs, problems, tutor.Wrap(err, tutor.ErrorCode(err), "%s: ask the teacher", p.Source)
		}
		pairs := ParseQAPairs(res.Text)
		if len(pairs) == 0 {
			problems = append(problems, fmt.Sprintf("%s: the teacher's answer holds no Q:/A: pair", p.Source))
		}
		for j, qa := range pairs {
			recs = append(recs, Record{Source: fmt.Sprintf("%s#%d", p.Source, j+1), Messages: []llm.Message{
				{Role: "user", Content: qa[0]}, {Role: "assistant", Content: qa[1]}}})
		}
		if progress != nil {
			progress(i+1, len(passages))
		}
	}
	return recs, problems, nil
}

var qaLine = regexp.MustCompile(`(?i)^\s*(?:[-*]\s*|\d+[.)]\s*)?(?:\*\*)?(q|question|a|answer|问|答|问题|回答)(?:\*\*)?\s*(?:\d+)?\s*[:：]\s*(?:\*\*)?\s*(.*)$`)

// ParseQAPairs reads "Q: … / A: …" pairs (also Question/Answer, 问/答, numbered or bulleted,
// answers over several lines) from a teacher's text; a question without an answer is dropped.
func ParseQAPairs(text string) [][2]string {
	var out [][2]string
	var q, a strings.Builder
	inAnswer := false
	flush := func() {
		qs, as := strings.TrimSpace(q.String()), strings.TrimSpace(a.String())
		if qs != "" && as != "" {
			out = append(out, [2]string{qs, as})
		}
		q.Reset()
		a.Reset()
		inAnswer = false
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		m := qaLine.FindStringSubmatch(line)
		if m == nil {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if inAnswer {
				a.WriteString("\n" + strings.TrimSpace(line))
			} else if q.Len() > 0 {
				q.WriteString(" " + strings.TrimSpace(line))
			}
			continue
		}
		switch strings.ToLower(m[1]) {
		case "q", "question", "问", "问题":
			flush()
			q.WriteString(m[2])
		default:
			if q.Len() == 0 {
				continue
			}
			if inAnswer { // a second answer line starting with A: continues the same answer
				a.WriteString("\n")
			}
			a.WriteString(m[2])
			inAnswer = true
		}
	}
	flush()
	return out
}
