package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/llm"
	"tutor/rag"
	"tutor/web/compare"
	"tutor/web/i18n"
)

// Generation settings of the Compare page.
const (
	compareMaxTokens  = 512  // longest answer
	compareRAGContext = 4096 // context window asked for RAG prompts (Ollama's default drops passages)
)

// compareStream answers the question ?q= with one variant (?model=, ?rag=1) over SSE: a
// "passages" event with what retrieval found (RAG columns), "token" events as the answer is
// generated, and a final "done" event with the answer, its citations and its timings. Failures
// after the stream opened end in "done" as well, so the browser does not reconnect to retry.
func (h *Handler) compareStream(c echo.Context) error {
	q, err := question(c.QueryParam("q"))
	if err != nil {
		return err
	}
	col := compare.Column{Slot: c.QueryParam("slot"), Model: c.QueryParam("model"), RAG: c.QueryParam("rag") == "1"}
	switch {
	case q == "":
		return tutor.Errorf(tutor.EINVALID, "ask a question (q)")
	case col.Slot != compare.SlotBase && col.Slot != compare.SlotBaseRAG && col.Slot != compare.SlotTuned && col.Slot != compare.SlotTunedRAG:
		return tutor.Errorf(tutor.EINVALID, "slot must be base, base-rag, tuned or tuned-rag")
	}
	s, err := startSSE(c)
	if err != nil {
		return nil // the client left
	}
	res := h.answer(c, s, col, q)
	if res.Error != "" && tutor.ErrorCode(res.err) == tutor.EINTERNAL {
		h.Log.Error("compare failed", "model", col.Model, "rag", col.RAG, "err", res.err)
	}
	s.SendHTML("done", "", compare.Done(res.Result))
	return nil
}

// answerResult is a column's outcome with the error behind its message.
type answerResult struct {
	compare.Result
	err error
}

// answer retrieves (for RAG columns), generates while streaming tokens, and measures.
func (h *Handler) answer(c echo.Context, s *sseStream, col compare.Column, q string) (res answerResult) {
	res.Column = col
	fail := func(err error) answerResult {
		res.err, res.Error = err, i18n.T(ctx(c), "compare.failed", tutor.ErrorMessage(err))
		return res
	}
	entry, err := h.Catalog.Get(col.Model)
	if err != nil {
		return fail(err)
	}
	// Greedy decoding, so that answers differ by variant rather than by chance.
	greedy := 0.0
	req := llm.Request{Messages: []llm.Message{{Role: "user", Content: q}},
		Options: llm.Options{Temperature: &greedy, NumPredict: compareMaxTokens}}
	var hits []rag.Hit
	if col.RAG {
		ix, err := h.index()
		if err != nil {
			return fail(err)
		}
		start := time.Now()
		if hits, err = ix.Search(ctx(c), q, rag.SearchOptions{TopK: rag.PromptPassages}); err != nil {
			return fail(err)
		}
		res.Retrieval, res.Passages = time.Since(start), len(hits)
		if s.SendHTML("passages", "", compare.PassagesPanel(col.Slot, passageViews(hits), ix.Chunks() > 0)) != nil {
			return res
		}
		req.Messages = rag.BuildPrompt(q, hits, i18n.Lang(ctx(c)))
		req.Options.NumCtx = compareRAGContext
		if n := entry.Info.ContextLength; n > 0 && n < req.Options.NumCtx {
			req.Options.NumCtx = n
		}
	}
	text, resp, firstToken, err := h.generate(c, s, entry, req)
	res.Answer = strings.TrimSpace(text)
	for _, seg := range rag.SplitCitations(res.Answer, len(hits)) {
		res.Segments = append(res.Segments, compare.Segment{Text: seg.Text, N: seg.Cite})
	}
	res.TimeToFirstToken, res.Total, res.Tokens = resp.TimeToFirstToken, resp.Total, resp.CompletionTokens
	if res.TimeToFirstToken <= 0 {
		res.TimeToFirstToken = firstToken
	}
	res.TokensPerSecond, res.DoneReason = resp.TokensPerSecond(), resp.DoneReason
	if err != nil {
		return fail(err)
	}
	return res
}

// generate runs req on entry, sending each piece as a "token" event and a comment now and then
// while the model is silent. It stops the model when the client leaves or the server stops.
func (h *Handler) generate(c echo.Context, s *sseStream, entry llm.Entry, req llm.Request) (string, llm.Response, time.Duration, error) {
	gctx, cancel := context.WithCancel(ctx(c))
	defer cancel()
	pieces := make(chan string, 64)
	type outcome struct {
		resp llm.Response
		err  error
	}
	done := make(chan outcome, 1)
	start := time.Now()
	go func() {
		resp, err := entry.Generate(gctx, req, func(p string) error {
			select {
			case pieces <- p:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
		close(pieces)
		done <- outcome{resp, err}
	}()
	var b strings.Builder
	var first time.Duration
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	stopping := h.stopping
	for pieces != nil {
		select {
		case p, ok := <-pieces:
			if !ok {
				pieces = nil
				continue
			}
			if first == 0 {
				first = time.Since(start)
			}
			b.WriteString(p)
			if s.SendHTML("token", "", compare.Token(p)) != nil {
				cancel()
			}
		case <-beat.C:
			if s.Comment("generating") != nil {
				cancel()
			}
		case <-stopping:
			cancel()
			stopping = nil // closed for good: stop listening
		}
	}
	o := <-done
	text := o.resp.Text
	if text == "" {
		text = b.String()
	}
	return text, o.resp, first, o.err
}
