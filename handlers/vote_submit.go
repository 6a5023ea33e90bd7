package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/store"
	"tutor/web/compare"
)

// voteSubmit records which variant answered a question best. The form names each column's
// variant (variant.<slot>) and answer (answer.<slot>) and the choice (best: a slot, tie or
// neither). A best answer wins against every other column; tie and neither are recorded for
// every pair, so the tallies stay pairwise.
func (h *Handler) voteSubmit(c echo.Context) error {
	q, err := question(c.FormValue("q"))
	if err != nil {
		return err
	}
	if q == "" {
		return tutor.Errorf(tutor.EINVALID, "a vote needs the question")
	}
	type answer struct{ slot, variant, text string }
	var cols []answer
	for _, slot := range []string{compare.SlotBase, compare.SlotBaseRAG, compare.SlotTuned, compare.SlotTunedRAG} {
		if v := c.FormValue("variant." + slot); v != "" {
			cols = append(cols, answer{slot, v, c.FormValue("answer." + slot)})
		}
	}
	if len(cols) < 2 {
		return tutor.Errorf(tutor.EINVALID, "a vote needs at least two variants")
	}
	var votes []store.Vote
	switch best := c.FormValue("best"); best {
	case "tie", "neither":
		for i := range cols {
			for _, o := range cols[i+1:] {
				votes = append(votes, store.Vote{LeftVariant: cols[i].variant, RightVariant: o.variant,
					LeftAnswer: cols[i].text, RightAnswer: o.text, Choice: best})
			}
		}
	default:
		w := -1
		for i, a := range cols {
			if a.slot == best {
				w = i
			}
		}
		if w < 0 {
			return tutor.Errorf(tutor.EINVALID, "best must be one of the compared columns, tie or neither")
		}
		for i, o := range cols {
			if i != w {
				votes = append(votes, store.Vote{LeftVariant: cols[w].variant, RightVariant: o.variant,
					LeftAnswer: cols[w].text, RightAnswer: o.text, Choice: "left"})
			}
		}
	}
	for i := range votes {
		votes[i].Question, votes[i].Voter = q, callerName(c)
		if err := h.Store.CreateVote(ctx(c), &votes[i]); err != nil {
			return err
		}
	}
	if c.Request().Header.Get("HX-Request") != "" {
		return render(c, http.StatusOK, compare.VoteDone())
	}
	return redirect(c, "/compare?voted=1#votes")
}
