package rag

import (
	"context"
	"io/fs"
	"sort"
	"strings"
)

// AddFS adds every file of fsys whose extension Tutor reads (see [Formats]), in name order,
// and returns the documents added; it stops at the first error.
func (ix *Index) AddFS(ctx context.Context, fsys fs.FS, uploadedBy string) ([]Document, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			if _, err := FormatOf(p); err == nil {
				names = append(names, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Document
	for _, n := range names {
		f, err := fsys.Open(n)
		if err != nil {
			return out, err
		}
		docs, err := ix.Add(ctx, n, f, -1, uploadedBy)
		f.Close()
		if err != nil {
			return out, err
		}
		out = append(out, docs...)
	}
	return out, nil
}
