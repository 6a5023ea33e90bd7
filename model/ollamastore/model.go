package ollamastore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"strings"

	"tutor"
)

// Layers returns the model's layers of the given media type, in manifest order.
func (m *Model) Layers(mediaType string) []Layer {
	var out []Layer
	for _, l := range m.Manifest.Layers {
		if l.MediaType == mediaType {
			out = append(out, l)
		}
	}
	return out
}

// Size returns the total size of the model's blobs, as Ollama reports it.
func (m *Model) Size() int64 {
	n := m.Manifest.Config.Size
	for _, l := range m.Manifest.Layers {
		n += l.Size
	}
	return n
}

// BlobPath returns the path of a layer's blob, checking that it exists with the size
// the manifest gives.
func (m *Model) BlobPath(l Layer) (string, error) {
	p, err := m.store.BlobPath(l.Digest)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(p)
	if os.IsNotExist(err) {
		return "", tutor.Errorf(tutor.ENOTFOUND, "ollamastore: %s: blob %s is missing", m.Name.Short(), l.Digest)
	} else if err != nil {
		return "", tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: stat blob %s", l.Digest)
	}
	if st.Size() != l.Size {
		return "", tutor.Errorf(tutor.EINVALID, "ollamastore: %s: blob %s has %d bytes, the manifest says %d", m.Name.Short(), l.Digest, st.Size(), l.Size)
	}
	return p, nil
}

// ModelPath returns the path of the GGUF weights: the blob of the first model layer.
func (m *Model) ModelPath() (string, error) {
	ls := m.Layers(MediaModel)
	if len(ls) == 0 {
		return "", tutor.Errorf(tutor.ENOTFOUND, "ollamastore: %s has no model layer", m.Name.Short())
	}
	return m.BlobPath(ls[0])
}

// AdapterPaths returns the paths of the model's adapter blobs (GGUF LoRA).
func (m *Model) AdapterPaths() ([]string, error) {
	var out []string
	for _, l := range m.Layers(MediaAdapter) {
		p, err := m.BlobPath(l)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Text returns the content of the model's last layer of mediaType (Ollama keeps the
// last template or system prompt), or "" and false when it has none.
func (m *Model) Text(mediaType string) (string, bool, error) {
	ls := m.Layers(mediaType)
	if len(ls) == 0 {
		return "", false, nil
	}
	b, err := m.readBlob(ls[len(ls)-1])
	return string(b), err == nil, err
}

// Template returns the model's chat template (Go template syntax), if it has one.
func (m *Model) Template() (string, bool, error) { return m.Text(MediaTemplate) }

// System returns the model's system prompt, if it has one.
func (m *Model) System() (string, bool, error) { return m.Text(MediaSystem) }

// Params returns the model's parameters (stop, temperature, …), empty when it has none.
func (m *Model) Params() (map[string]any, error) {
	params := map[string]any{}
	s, ok, err := m.Text(MediaParams)
	if err != nil || !ok {
		return params, err
	}
	if err := json.Unmarshal([]byte(s), &params); err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "ollamastore: %s: parameters: %v", m.Name.Short(), err)
	}
	return params, nil
}

// Config is the model's config blob: what Ollama shows about the weights.
type Config struct {
	ModelFormat   string   `json:"model_format"`   // "gguf"
	ModelFamily   string   `json:"model_family"`   // architecture, "llama"
	ModelFamilies []string `json:"model_families"` // with those of adapters and projectors
	ModelType     string   `json:"model_type"`     // parameter count, "292.80K"
	FileType      string   `json:"file_type"`      // quantization, "F32", "Q4_K_M"
}

// Config reads the model's config blob.
func (m *Model) Config() (Config, error) {
	var c Config
	b, err := m.readBlob(m.Manifest.Config)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, tutor.Wrap(err, tutor.EINVALID, "ollamastore: %s: config: %v", m.Name.Short(), err)
	}
	return c, nil
}

func (m *Model) readBlob(l Layer) ([]byte, error) {
	if l.Size > MaxTextBlob {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "ollamastore: %s: %s blob of %d bytes", m.Name.Short(), l.MediaType, l.Size)
	}
	p, err := m.BlobPath(l)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: read blob %s", l.Digest)
	}
	return b, nil
}

// Verify checks that the layer's blob hashes to its digest.
func (m *Model) Verify(l Layer) error {
	p, err := m.BlobPath(l)
	if err != nil {
		return err
	}
	fh, err := os.Open(p)
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: open blob %s", l.Digest)
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: read blob %s", l.Digest)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, l.Digest[7:]) {
		return tutor.Errorf(tutor.EINVALID, "ollamastore: blob %s hashes to sha256:%s", l.Digest, got)
	}
	return nil
}
