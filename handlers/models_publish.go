package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/store"
	"tutor/web/components"
	"tutor/web/models"
)

// Publisher pushes a served model (a base, or a base with its adapter) to the configured
// Ollama server under a new name and records it.
type Publisher interface {
	Publish(ctx context.Context, model, name, by string) (*store.PublishedModel, error)
}

// publishRequest is the body of POST /api/models/publish.
type publishRequest struct {
	Model string `json:"model" form:"model"` // a served name, e.g. demo:tuned-okr
	Name  string `json:"name" form:"name"`   // the Ollama model name to create
}

// modelPublish serves POST /api/models/publish: publish base + adapter to Ollama.
func (h *Handler) modelPublish(c echo.Context) error {
	var req publishRequest
	if err := c.Bind(&req); err != nil {
		return tutor.Errorf(tutor.EINVALID, "malformed request: send model and name")
	}
	if h.Publisher == nil {
		return tutor.Errorf(tutor.EUNAVAILABLE, "publishing is not available")
	}
	by := ""
	if p := caller(c); p != nil {
		by = p.Name
	}
	rec, err := h.Publisher.Publish(ctx(c), req.Model, req.Name, by)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, publishedJSON(rec))
}

// modelPublishForm serves POST /models/publish from the Models page's form.
func (h *Handler) modelPublishForm(c echo.Context) error {
	if h.Publisher == nil {
		return tutor.Errorf(tutor.EUNAVAILABLE, "publishing is not available")
	}
	by := ""
	if p := caller(c); p != nil {
		by = p.Name
	}
	if _, err := h.Publisher.Publish(ctx(c), c.FormValue("model"), c.FormValue("name"), by); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/models")
}

// publishSection fills the Models page's publishing part: the tuned names the caller may
// publish when an Ollama server is configured, and what was published.
func (h *Handler) publishSection(c echo.Context, p *models.Page) error {
	if h.Publisher != nil && h.Opts.OllamaURL != "" && h.can(c, ActTrain) {
		for _, e := range h.Catalog.List() {
			if e.Adapter != "" && e.Info.Backend == "builtin" {
				p.Publishable = append(p.Publishable, e.Name)
			}
		}
	}
	recs, err := h.Store.PublishedModels(ctx(c))
	if err != nil {
		return err
	}
	for _, r := range recs {
		p.Published = append(p.Published, models.Published{Name: r.Name, Base: r.Base, Adapter: r.Adapter,
			OllamaURL: r.OllamaURL, When: components.When(ctx(c), r.CreatedAt)})
	}
	return nil
}

// modelsPublished serves GET /api/models/published: what was published, newest first.
func (h *Handler) modelsPublished(c echo.Context) error {
	recs, err := h.Store.PublishedModels(ctx(c))
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		out = append(out, publishedJSON(r))
	}
	return c.JSON(http.StatusOK, map[string]any{"published": out})
}

func publishedJSON(r *store.PublishedModel) map[string]any {
	return map[string]any{"name": r.Name, "base": r.Base, "adapter": r.Adapter, "ollama_url": r.OllamaURL,
		"digest": r.Digest, "published_by": r.PublishedBy, "created_at": r.CreatedAt}
}
