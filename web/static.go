// Package web holds the templ components and the embedded static assets of Tutor's pages;
// it receives plain view data only.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
	"sync"
)

//go:embed static
var staticFiles embed.FS

// Asset is one embedded static file with its content-hashed URL.
type Asset struct {
	Name        string // e.g. htmx.min.js
	URL         string // e.g. /static/htmx.min.3fa2c1d9e0b7.js
	ContentType string
	Body        []byte
}

// AssetPrefix is the URL path under which static files are served.
const AssetPrefix = "/static/"

var assets = sync.OnceValue(func() map[string]*Asset {
	m := map[string]*Asset{}
	entries, _ := fs.ReadDir(staticFiles, "static")
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		body, _ := staticFiles.ReadFile("static/" + e.Name())
		sum := sha256.Sum256(body)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:6]) + ext
		m[e.Name()] = &Asset{Name: e.Name(), URL: AssetPrefix + hashed, ContentType: contentType(ext), Body: body}
	}
	return m
})

func contentType(ext string) string {
	switch ext {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	}
	return "application/octet-stream"
}

// AssetURL returns the content-hashed URL of the static file name; it panics for an unknown
// name, as that is a typo in a template that every page test catches.
func AssetURL(name string) string {
	a, ok := assets()[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return a.URL
}

// AssetByURL finds the asset a content-hashed URL path names; an out-of-date hash finds nothing.
func AssetByURL(urlPath string) (*Asset, bool) {
	for _, a := range assets() {
		if a.URL == urlPath {
			return a, true
		}
	}
	return nil, false
}

// Assets lists every embedded asset.
func Assets() []*Asset {
	var out []*Asset
	for _, a := range assets() {
		out = append(out, a)
	}
	return out
}
