package demo

import (
	"embed"
	"io/fs"
)

//go:embed docs
var docsFS embed.FS

// Docs holds the demo company's handbook: the documents loaded into a new workspace on first
// start. File names are flat (no folders); the extension tells the format (.md, .txt, .html).
var Docs fs.FS = mustSub(docsFS, "docs")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the folder is embedded at build time; a failure is a build mistake
	}
	return sub
}

// RetrievalSet is demo/retrieval.yaml: questions about [Docs] with their labelled answer passages
// (document file name and a verbatim snippet), used to measure retrieval.
//
//go:embed retrieval.yaml
var RetrievalSet []byte
