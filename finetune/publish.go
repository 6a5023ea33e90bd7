package finetune

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/model"
)

// Publish creates model name on the Ollama server behind c: the existing model from with the
// GGUF LoRA adapter at adapterPath, uploaded as a blob (/api/blobs) and attached through
// /api/create. GGUF, because Ollama's own PEFT conversion permutes the query and key adapters
// wrongly; Ollama takes one adapter per model. The file is checked before anything is sent.
func Publish(ctx context.Context, c *api.Client, name, from, adapterPath string, progress func(status string)) error {
	if strings.TrimSpace(name) == "" || strings.TrimSpace(from) == "" {
		return tutor.Errorf(tutor.EINVALID, "publish: the new model's name and the base model are required")
	}
	if _, err := model.ReadAdapter(adapterPath); err != nil {
		return err
	}
	if _, err := c.Show(ctx, &api.ShowRequest{Model: from}); err != nil {
		return ollamaError(err, "publish: base model %s", from)
	}
	f, err := os.Open(adapterPath)
	if err != nil {
		return tutor.Wrap(err, tutor.ENOTFOUND, "publish: adapter %s", adapterPath)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "publish: read %s", adapterPath)
	}
	digest := "sha256:" + hex.EncodeToString(h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "publish: read %s", adapterPath)
	}
	if progress != nil {
		progress("uploading adapter " + digest[:19])
	}
	if err := c.CreateBlob(ctx, digest, f); err != nil {
		return ollamaError(err, "publish: upload adapter")
	}
	req := &api.CreateRequest{Model: name, From: from, Adapters: map[string]string{filepath.Base(adapterPath): digest}}
	err = c.Create(ctx, req, func(p api.ProgressResponse) error {
		if progress != nil && p.Status != "" {
			progress(p.Status)
		}
		return nil
	})
	return ollamaError(err, "publish: create %s", name)
}

// ollamaError maps an Ollama client error to Tutor's codes.
func ollamaError(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var se api.StatusError
	if errors.As(err, &se) {
		switch {
		case se.StatusCode == http.StatusNotFound:
			return tutor.Wrap(err, tutor.ENOTFOUND, format, args...)
		case se.StatusCode >= 400 && se.StatusCode < 500:
			return tutor.Wrap(err, tutor.EINVALID, format, args...)
		}
		return tutor.Wrap(err, tutor.EUNAVAILABLE, format, args...)
	}
	return tutor.Wrap(err, tutor.EUNAVAILABLE, format, args...)
}
