package safetensors

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"tutor"
)

// Folder is a Hugging Face model folder: config.json and its weights in one
// model.safetensors, in shards listed by model.safetensors.index.json, or in whatever
// *.safetensors files it holds.
type Folder struct {
	Dir    string
	Config []byte // config.json as read, nil when absent

	files  []*File
	byName map[string]int // tensor name → index in files
}

// OpenFolder opens the model folder dir.
func OpenFolder(dir string) (*Folder, error) {
	m := &Folder{Dir: dir, byName: map[string]int{}}
	cfg, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err == nil {
		if !json.Valid(cfg) {
			return nil, tutor.Errorf(tutor.EINVALID, "safetensors: %s/config.json is not JSON", dir)
		}
		m.Config = cfg
	} else if !os.IsNotExist(err) {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "safetensors: read %s/config.json", dir)
	}
	names, err := m.weightFiles()
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		f, err := OpenFile(filepath.Join(dir, name))
		if err != nil {
			m.Close()
			return nil, err
		}
		m.files = append(m.files, f)
		for _, ti := range f.Tensors {
			if _, dup := m.byName[ti.Name]; dup {
				m.Close()
				return nil, tutor.Errorf(tutor.EINVALID, "safetensors: tensor %q is in two files of %s", ti.Name, dir)
			}
			m.byName[ti.Name] = len(m.files) - 1
		}
	}
	if err := m.checkIndex(); err != nil {
		return nil, err
	}
	return m, nil
}

// weightFiles returns the names of the folder's weight files.
func (m *Folder) weightFiles() ([]string, error) {
	if idx, ok, err := m.index(); err != nil {
		return nil, err
	} else if ok {
		var names []string
		for _, file := range idx {
			if !slices.Contains(names, file) {
				names = append(names, file)
			}
		}
		slices.Sort(names)
		return names, nil
	}
	if _, err := os.Stat(filepath.Join(m.Dir, "model.safetensors")); err == nil {
		return []string{"model.safetensors"}, nil
	}
	entries, err := os.ReadDir(m.Dir)
	if os.IsNotExist(err) {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "safetensors: no folder %s", m.Dir)
	} else if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "safetensors: read %s", m.Dir)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".safetensors") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, tutor.Errorf(tutor.ENOTFOUND, "safetensors: no .safetensors files in %s", m.Dir)
	}
	return names, nil
}

// index reads model.safetensors.index.json's weight_map, whose file names must be plain
// names inside the folder.
func (m *Folder) index() (map[string]string, bool, error) {
	b, err := os.ReadFile(filepath.Join(m.Dir, "model.safetensors.index.json"))
	if os.IsNotExist(err) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, tutor.Wrap(err, tutor.EINTERNAL, "safetensors: read index")
	}
	var idx struct {
		WeightMap map[string]string `json:"weight_map"`
	}
	if err := json.Unmarshal(b, &idx); err != nil || len(idx.WeightMap) == 0 {
		return nil, false, tutor.Errorf(tutor.EINVALID, "safetensors: %s/model.safetensors.index.json has no weight_map", m.Dir)
	}
	for tensor, file := range idx.WeightMap {
		if file != filepath.Base(file) || file == "." || file == ".." || !strings.HasSuffix(file, ".safetensors") {
			return nil, false, tutor.Errorf(tutor.EINVALID, "safetensors: index maps %q to %q, not a .safetensors file in the folder", tensor, file)
		}
	}
	return idx.WeightMap, true, nil
}

// checkIndex checks that every tensor the index lists is in the file it names.
func (m *Folder) checkIndex() error {
	idx, ok, err := m.index()
	if err != nil || !ok {
		return err
	}
	for tensor, file := range idx {
		i, found := m.byName[tensor]
		if !found || filepath.Base(m.files[i].name()) != file {
			m.Close()
			return tutor.Errorf(tutor.EINVALID, "safetensors: the index puts %q in %s, which lacks it", tensor, file)
		}
	}
	return nil
}

func (f *File) name() string {
	if fh, ok := f.closer.(*os.File); ok {
		return fh.Name()
	}
	return ""
}

// DecodeConfig decodes config.json into v.
func (m *Folder) DecodeConfig(v any) error {
	if m.Config == nil {
		return tutor.Errorf(tutor.ENOTFOUND, "safetensors: %s has no config.json", m.Dir)
	}
	if err := json.Unmarshal(m.Config, v); err != nil {
		return tutor.Wrap(err, tutor.EINVALID, "safetensors: %s/config.json: %v", m.Dir, err)
	}
	return nil
}

// TensorNames returns the names of all tensors, sorted.
func (m *Folder) TensorNames() []string {
	names := make([]string, 0, len(m.byName))
	for n := range m.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Tensor returns the file holding the tensor called name, and its info.
func (m *Folder) Tensor(name string) (*File, *TensorInfo, bool) {
	i, ok := m.byName[name]
	if !ok {
		return nil, nil, false
	}
	ti, _ := m.files[i].Tensor(name)
	return m.files[i], ti, true
}

// Float32s reads the tensor called name as float32, with its shape.
func (m *Folder) Float32s(name string) ([]float32, []int, error) {
	f, ti, ok := m.Tensor(name)
	if !ok {
		return nil, nil, tutor.Errorf(tutor.ENOTFOUND, "safetensors: no tensor %q in %s", name, m.Dir)
	}
	x, err := f.Float32s(ti)
	return x, ti.Shape, err
}

// Close closes the folder's files.
func (m *Folder) Close() error {
	var first error
	for _, f := range m.files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	m.files = nil
	return first
}
