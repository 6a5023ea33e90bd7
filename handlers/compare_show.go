package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor/web/compare"
)

// compareShow is the Compare page with the votes so far.
func (h *Handler) compareShow(c echo.Context) error {
	ts, err := h.Store.VoteTallies(ctx(c))
	if err != nil {
		return err
	}
	p := compare.Page{}
	for _, t := range ts {
		p.Tallies = append(p.Tallies, compare.Tally{Left: t.LeftVariant, Right: t.RightVariant, LeftWins: t.Left,
			RightWins: t.Right, Ties: t.Tie, N: t.All})
	}
	return render(c, http.StatusOK, compare.View(p))
}
