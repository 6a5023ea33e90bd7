package handlers

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/ollama/ollama/api"

	"tutor/llm"
)

// ollamaAPIVersion is the version of Ollama's API that Tutor speaks.
const ollamaAPIVersion = "0.6.5"

// ollamaHeartbeat answers HEAD /, which Ollama's clients send to check that the server runs.
func (h *Handler) ollamaHeartbeat(c echo.Context) error { return c.NoContent(200) }

// ollamaVersion serves GET /api/version.
func (h *Handler) ollamaVersion(c echo.Context) error {
	return c.JSON(200, map[string]string{"version": ollamaAPIVersion})
}

// ollamaTags serves GET /api/tags: every servable model name.
func (h *Handler) ollamaTags(c echo.Context) error {
	entries := h.Catalog.List()
	resp := api.ListResponse{Models: make([]api.ListModelResponse, 0, len(entries))}
	for _, e := range entries {
		resp.Models = append(resp.Models, api.ListModelResponse{
			Name: e.Name, Model: e.Name, ModifiedAt: time.Now().UTC(),
			Size: e.Info.SizeBytes, Digest: entryDigest(e), Details: ollamaDetails(e),
		})
	}
	return c.JSON(200, resp)
}

// ollamaShow serves POST /api/show: one model's details.
func (h *Handler) ollamaShow(c echo.Context) error {
	var req api.ShowRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	name := req.Model
	if name == "" {
		name = req.Name
	}
	e, err := h.Catalog.Get(name)
	if err != nil {
		return err
	}
	arch := e.Info.Architecture
	info := map[string]any{"general.architecture": arch, "general.parameter_count": e.Info.Parameters}
	if e.Info.ContextLength > 0 {
		info[arch+".context_length"] = e.Info.ContextLength
	}
	caps := []string{"completion"}
	if e.Embedder != nil {
		caps = append(caps, "embedding")
	}
	return c.JSON(200, map[string]any{
		"modelfile":    fmt.Sprintf("FROM %s\n", e.Model),
		"details":      ollamaDetails(e),
		"model_info":   info,
		"capabilities": caps,
		"modified_at":  time.Now().UTC(),
	})
}

func ollamaDetails(e llm.Entry) api.ModelDetails {
	d := api.ModelDetails{Format: "gguf", Family: e.Info.Architecture, QuantizationLevel: e.Info.Quantization}
	if e.Info.Architecture != "" {
		d.Families = []string{e.Info.Architecture}
	}
	if e.Adapter != "" {
		d.ParentModel = e.Model
	}
	if p := e.Info.Parameters; p > 0 {
		d.ParameterSize = humanCount(p)
	}
	return d
}

// entryDigest is a stable identifier of what a name serves, in Ollama's digest form.
func entryDigest(e llm.Entry) string {
	h := fnv.New64a()
	h.Write([]byte(e.Model + "\x00" + e.Adapter + "\x00" + e.Name))
	return fmt.Sprintf("%x", h.Sum64())
}

// humanCount writes a parameter count the way Ollama does: 135M, 1.5B, 292.80K.
func humanCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.2fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
