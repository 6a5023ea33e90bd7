package handlers

import (
	"archive/zip"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/finetune"
)

// adapterGGUF downloads an adapter as GGUF (Ollama's ADAPTER, llama.cpp).
func (h *Handler) adapterGGUF(c echo.Context) error {
	a, err := finetune.Adapter(h.Store, c.Param("name"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+a.Name+`.gguf"`)
	return c.File(a.GGUF)
}

// adapterPEFT downloads an adapter as a zip of PEFT's adapter_config.json and
// adapter_model.safetensors.
func (h *Handler) adapterPEFT(c echo.Context) error {
	a, err := finetune.Adapter(h.Store, c.Param("name"))
	if err != nil {
		return err
	}
	files := []string{"adapter_config.json", "adapter_model.safetensors"}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(a.PEFT, f)); err != nil {
			return tutor.Errorf(tutor.ENOTFOUND, "adapter %s has no %s", a.Name, f)
		}
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "application/zip")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+a.Name+`-peft.zip"`)
	w.WriteHeader(http.StatusOK)
	z := zip.NewWriter(w)
	for _, f := range files {
		in, err := os.Open(filepath.Join(a.PEFT, f))
		if err != nil {
			return nil // headers are sent; the truncated zip shows the failure
		}
		out, err := z.Create(a.Name + "/" + f)
		if err == nil {
			_, err = io.Copy(out, in)
		}
		in.Close()
		if err != nil {
			return nil
		}
	}
	z.Close()
	return nil
}

// adapterPublish creates a model on the configured Ollama server from an Ollama base model
// (field "from") and the adapter, named by field "model".
func (h *Handler) adapterPublish(c echo.Context) error {
	a, err := finetune.Adapter(h.Store, c.Param("name"))
	if err != nil {
		return err
	}
	if h.Opts.OllamaURL == "" {
		return tutor.Errorf(tutor.EUNAVAILABLE, "no Ollama server is configured (TUTOR_OLLAMA_URL)")
	}
	u, err := url.Parse(h.Opts.OllamaURL)
	if err != nil {
		return tutor.Errorf(tutor.EINVALID, "Ollama URL %q: %v", h.Opts.OllamaURL, err)
	}
	name, from := strings.TrimSpace(c.FormValue("model")), strings.TrimSpace(c.FormValue("from"))
	if err := finetune.Publish(ctx(c), api.NewClient(u, http.DefaultClient), name, from, a.GGUF, nil); err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusCreated, map[string]string{"model": name, "from": from, "adapter": a.Name})
	}
	return redirect(c, "/train?published="+url.QueryEscape(name))
}
