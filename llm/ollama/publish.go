package ollama

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"

	"github.com/ollama/ollama/api"

	"tutor"
	"tutor/model"
)

// Publish creates the Ollama model name from the server's model from with the GGUF LoRA
// adapter at adapterGGUF: the adapter is checked, uploaded as a blob (/api/blobs/<digest>)
// and named in /api/create's adapters, so Ollama serves base + adapter under name.
func (b *Backend) Publish(ctx context.Context, name, from, adapterGGUF string) error {
	if name == "" || from == "" {
		return tutor.Errorf(tutor.EINVALID, "publish: model name and base model are required")
	}
	if _, err := model.ReadAdapter(adapterGGUF); err != nil {
		return err
	}
	digest, err := b.UploadBlob(ctx, adapterGGUF)
	if err != nil {
		return err
	}
	req := &api.CreateRequest{Model: name, From: from, Adapters: map[string]string{filepath.Base(adapterGGUF): digest}}
	err = b.client.Create(ctx, req, func(api.ProgressResponse) error { return ctx.Err() })
	return b.wrap(err, "create "+name)
}

// UploadBlob uploads the file at path as a blob and returns its digest ("sha256:…").
func (b *Backend) UploadBlob(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", tutor.Wrap(err, tutor.ENOTFOUND, "no file %s", path)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", tutor.Wrap(err, tutor.EINTERNAL, "read %s", path)
	}
	digest := "sha256:" + hex.EncodeToString(h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", tutor.Wrap(err, tutor.EINTERNAL, "read %s", path)
	}
	return digest, b.wrap(b.client.CreateBlob(ctx, digest, f), "upload "+filepath.Base(path))
}
