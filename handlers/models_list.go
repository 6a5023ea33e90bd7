package handlers

import (
	"net/http"
	"path/filepath"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/llm/ollama"
	"tutor/web/models"
)

// modelsList is the Models page: served names, GGUF files in the workspace, Ollama's models.
func (h *Handler) modelsList(c echo.Context) error {
	src := builtin.Sources{Catalog: h.Catalog, Dir: h.Store.Path("models")}
	if h.Opts.OllamaURL != "" {
		b, err := ollama.New(h.Opts.OllamaURL, nil)
		if err != nil {
			return err
		}
		src.Ollama = b
	}
	inv, err := builtin.Gather(ctx(c), src)
	if err != nil {
		return err
	}
	p := models.Page{OllamaURL: h.Opts.OllamaURL, FilesDir: src.Dir,
		Served: modelRows(inv.Served), Files: modelRows(inv.Files), Ollama: modelRows(inv.Ollama)}
	for _, b := range inv.Broken {
		p.Broken = append(p.Broken, models.Problem{Name: filepath.Base(b.Path), Message: tutor.ErrorMessage(b.Err)})
	}
	if inv.OllamaErr != nil {
		p.OllamaDown = tutor.ErrorMessage(inv.OllamaErr)
	}
	if err := h.publishSection(c, &p); err != nil {
		return err
	}
	return render(c, http.StatusOK, models.View(p))
}

// modelRows turns model descriptions into table rows.
func modelRows(ms []llm.ModelInfo) []models.Model {
	out := make([]models.Model, 0, len(ms))
	for _, m := range ms {
		row := models.Model{Name: m.Name, Backend: m.Backend, Architecture: m.Architecture, Quantization: m.Quantization, ContextLength: m.ContextLength}
		if m.Parameters > 0 {
			row.Parameters = llm.FormatCount(m.Parameters)
		}
		if m.SizeBytes > 0 {
			row.Size = llm.FormatBytes(m.SizeBytes)
		}
		out = append(out, row)
	}
	return out
}
