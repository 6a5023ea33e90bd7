package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/web/compare"
)

// maxQuestionBytes bounds a question or a search.
const maxQuestionBytes = 4000

// compareShow is the Compare page: the question form with the model pickers and, once a
// question is asked (?q=), one streaming column per variant and the vote form.
func (h *Handler) compareShow(c echo.Context) error {
	ts, err := h.Store.VoteTallies(ctx(c))
	if err != nil {
		return err
	}
	p := compare.Page{CanCompare: h.can(c, ActCompare), Voted: c.QueryParam("voted") != ""}
	for _, t := range ts {
		p.Tallies = append(p.Tallies, compare.Tally{Left: t.LeftVariant, Right: t.RightVariant, LeftWins: t.Left,
			RightWins: t.Right, Ties: t.Tie, N: t.All})
	}
	p.Bases, p.Tuned = h.variantModels()
	p.HasDocuments = h.RAG != nil && h.RAG.Chunks() > 0
	if len(p.Bases) == 0 {
		return render(c, http.StatusOK, compare.View(p))
	}
	p.Base = c.QueryParam("model")
	if p.Base == "" {
		p.Base = p.Bases[0]
	} else if !slices.Contains(p.Bases, p.Base) {
		return tutor.Errorf(tutor.ENOTFOUND, "base model %q is not in the catalog", p.Base)
	}
	if c.QueryParams().Has("tuned") {
		p.TunedModel = c.QueryParam("tuned")
		if p.TunedModel != "" && !slices.Contains(p.Tuned, p.TunedModel) {
			return tutor.Errorf(tutor.ENOTFOUND, "tuned model %q is not in the catalog", p.TunedModel)
		}
	} else {
		p.TunedModel = tunedFor(p.Base, p.Tuned)
	}
	if p.Question, err = question(c.QueryParam("q")); err != nil {
		return err
	}
	if p.Question != "" && p.CanCompare {
		p.Columns = []compare.Column{{Slot: compare.SlotBase, Model: p.Base}, {Slot: compare.SlotBaseRAG, Model: p.Base, RAG: true}}
		if p.TunedModel != "" {
			p.Columns = append(p.Columns, compare.Column{Slot: compare.SlotTuned, Model: p.TunedModel},
				compare.Column{Slot: compare.SlotTunedRAG, Model: p.TunedModel, RAG: true})
		}
	}
	return render(c, http.StatusOK, compare.View(p))
}

// question trims a question and checks its length.
func question(q string) (string, error) {
	q = strings.TrimSpace(q)
	if len(q) > maxQuestionBytes {
		return "", tutor.Errorf(tutor.EINVALID, "the question is %d bytes; the limit is %d", len(q), maxQuestionBytes)
	}
	return q, nil
}

// variantModels splits the catalog's generators into base models and tuned ones (a base with
// an adapter, named "<base>:tuned-<adapter>"). Embedding models (BERT family) answer nothing
// and are left out, and so are the serving API's retrieval variants, since the page retrieves itself.
func (h *Handler) variantModels() (bases, tuned []string) {
	for _, e := range h.Catalog.List() {
		switch {
		case e.Generator == nil, e.Augment != nil, strings.Contains(e.Info.Architecture, "bert"):
		case e.Adapter != "" || strings.Contains(e.Name, ":tuned-"):
			tuned = append(tuned, e.Name)
		default:
			bases = append(bases, e.Name)
		}
	}
	return bases, tuned
}

// tunedFor is the first tuned model made from base ("demo:latest" → "demo:tuned-okr",
// "qwen2.5:0.5b" → "qwen2.5:0.5b:tuned-okr"), or "".
func tunedFor(base string, tuned []string) string {
	for _, t := range tuned {
		if strings.HasPrefix(t, base+":tuned-") || strings.HasPrefix(t, strings.TrimSuffix(base, ":latest")+":tuned-") {
			return t
		}
	}
	return ""
}
