package ollamastore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"tutor"
)

// Layer media types in Ollama manifests.
const (
	MediaModel     = "application/vnd.ollama.image.model"     // GGUF weights
	MediaAdapter   = "application/vnd.ollama.image.adapter"   // GGUF LoRA adapter
	MediaProjector = "application/vnd.ollama.image.projector" // vision projector
	MediaTemplate  = "application/vnd.ollama.image.template"  // Go template text
	MediaSystem    = "application/vnd.ollama.image.system"    // system prompt text
	MediaParams    = "application/vnd.ollama.image.params"    // JSON parameters
	MediaMessages  = "application/vnd.ollama.image.messages"  // JSON messages
	MediaLicense   = "application/vnd.ollama.image.license"   // license text
)

// Limits on what the store reads into memory.
const (
	MaxManifestSize = 1 << 20 // bytes of a manifest
	MaxLayers       = 1024    // layers in a manifest
	MaxTextBlob     = 4 << 20 // bytes of a template, system, params or config blob
)

// Store is an Ollama models folder (OLLAMA_MODELS) with manifests/ and blobs/.
type Store struct {
	Dir string
}

// DefaultDir returns the folder Ollama uses: $OLLAMA_MODELS, else ~/.ollama/models.
func DefaultDir() (string, error) {
	if d := os.Getenv("OLLAMA_MODELS"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: no home folder")
	}
	return filepath.Join(home, ".ollama", "models"), nil
}

// Open returns the store in dir; "" means [DefaultDir].
func Open(dir string) (*Store, error) {
	if dir == "" {
		var err error
		if dir, err = DefaultDir(); err != nil {
			return nil, err
		}
	}
	return &Store{Dir: dir}, nil
}

// Layer is one entry of a manifest.
type Layer struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"` // "sha256:<64 hex digits>"
	Size      int64  `json:"size"`
	From      string `json:"from,omitempty"`
}

// Manifest is a model's manifest as Ollama writes it.
type Manifest struct {
	SchemaVersion int     `json:"schemaVersion"`
	MediaType     string  `json:"mediaType"`
	Config        Layer   `json:"config"`
	Layers        []Layer `json:"layers"`
}

// Model is a model found in the store.
type Model struct {
	Name       Name
	Manifest   Manifest
	Digest     string    // sha256 of the manifest file, hex, as /api/tags reports it
	ModifiedAt time.Time // of the manifest file
	store      *Store
}

var digestRE = regexp.MustCompile(`^sha256[:-][0-9a-fA-F]{64}$`)

// ParseManifest decodes and checks a manifest: its size, layer count and digests.
func ParseManifest(b []byte) (Manifest, error) {
	var m Manifest
	if len(b) > MaxManifestSize {
		return m, tutor.Errorf(tutor.ETOOLARGE, "ollamastore: manifest of %d bytes, limit %d", len(b), MaxManifestSize)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, tutor.Wrap(err, tutor.EINVALID, "ollamastore: manifest JSON: %v", err)
	}
	if len(m.Layers) > MaxLayers {
		return m, tutor.Errorf(tutor.EINVALID, "ollamastore: manifest with %d layers, limit %d", len(m.Layers), MaxLayers)
	}
	for i, l := range append([]Layer{m.Config}, m.Layers...) {
		if i == 0 && l == (Layer{}) {
			continue // no config blob
		}
		if !digestRE.MatchString(l.Digest) || l.Size < 0 {
			return m, tutor.Errorf(tutor.EINVALID, "ollamastore: layer %s has bad digest %q or size %d", l.MediaType, l.Digest, l.Size)
		}
	}
	return m, nil
}

// Resolve finds the model called name ("stories", "me/tuned:v1", …). A name that
// differs only in case from a stored one resolves to it, as in Ollama.
func (s *Store) Resolve(name string) (*Model, error) {
	n, err := ParseName(name)
	if err != nil {
		return nil, err
	}
	m, err := s.load(n)
	if tutor.ErrorCode(err) != tutor.ENOTFOUND {
		return m, err
	}
	all, lerr := s.List()
	if lerr != nil {
		return nil, err
	}
	for _, other := range all {
		if strings.EqualFold(other.Name.String(), n.String()) {
			return other, nil
		}
	}
	return nil, err
}

// load reads the manifest of n.
func (s *Store) load(n Name) (*Model, error) {
	p := filepath.Join(s.Dir, "manifests", n.path())
	fh, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "ollamastore: no model %s in %s", n.Short(), s.Dir)
	} else if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: open manifest of %s", n.Short())
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, tutor.Errorf(tutor.EINVALID, "ollamastore: manifest of %s is not a file", n.Short())
	}
	b, err := io.ReadAll(io.LimitReader(fh, MaxManifestSize+1))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: read manifest of %s", n.Short())
	}
	man, err := ParseManifest(b)
	if err != nil {
		return nil, &tutor.Error{Code: tutor.ErrorCode(err), Message: n.Short() + ": " + tutor.ErrorMessage(err)}
	}
	sum := sha256.Sum256(b)
	return &Model{Name: n, Manifest: man, Digest: hex.EncodeToString(sum[:]), ModifiedAt: st.ModTime(), store: s}, nil
}

// List returns every model in the store, sorted by name. Entries whose path is not a
// valid name or whose manifest does not parse are left out, as Ollama leaves them out.
func (s *Store) List() ([]*Model, error) {
	root := filepath.Join(s.Dir, "manifests")
	var out []*Model
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && os.IsNotExist(err) {
				return fs.SkipAll
			}
			return err
		}
		rel, _ := filepath.Rel(root, p)
		parts := strings.Split(rel, string(filepath.Separator))
		if d.IsDir() {
			if len(parts) >= 4 {
				return fs.SkipDir
			}
			return nil
		}
		if len(parts) != 4 {
			return nil
		}
		n := Name{Host: parts[0], Namespace: parts[1], Model: parts[2], Tag: parts[3]}
		if n.Validate() != nil {
			return nil
		}
		if m, err := s.load(n); err == nil {
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "ollamastore: list %s", root)
	}
	slices.SortFunc(out, func(a, b *Model) int { return strings.Compare(a.Name.String(), b.Name.String()) })
	return out, nil
}

// BlobPath returns the path of the blob with the given digest.
func (s *Store) BlobPath(digest string) (string, error) {
	if !digestRE.MatchString(digest) {
		return "", tutor.Errorf(tutor.EINVALID, "ollamastore: bad blob digest %q", digest)
	}
	return filepath.Join(s.Dir, "blobs", strings.Replace(digest, ":", "-", 1)), nil
}
