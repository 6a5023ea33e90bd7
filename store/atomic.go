package store

import (
	"bytes"
	"io"
	"os"
	"path/filepath"

	"tutor"
)

// WriteFile writes data to path atomically: readers see the old content or the new, never a part.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return WriteAtomic(path, perm, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(data))
		return err
	})
}

// WriteAtomic streams fn's output to a temporary file in path's folder, syncs it and renames it
// over path, then syncs the folder so the rename survives a power cut. When fn fails, or the
// process dies before the rename, path keeps its old content and the temporary file is removed
// (or left as *.tmp-* for [Store.CleanTemp]).
func WriteAtomic(path string, perm os.FileMode, fn func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "create folder %q", dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "create temporary file in %q", dir)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fn(f); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "chmod %q", tmp)
	}
	if err := f.Sync(); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "sync %q", tmp)
	}
	if err := f.Close(); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "close %q", tmp)
	}
	if err := os.Rename(tmp, path); err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "rename %q", path)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return tutor.Wrap(err, tutor.EUNAVAILABLE, "open folder %q", dir)
	}
	defer d.Close()
	// Some filesystems refuse to sync folders; the rename itself is still atomic there.
	_ = d.Sync()
	return nil
}

// CleanTemp removes temporary files left under the workspace by writes a crash interrupted.
func (s *Store) CleanTemp() (removed int, err error) {
	err = filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if name := d.Name(); len(name) > 1 && name[0] == '.' && bytes.Contains([]byte(name), []byte(".tmp-")) {
			if os.Remove(p) == nil {
				removed++
			}
		}
		return nil
	})
	return removed, err
}
