package handlers

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/rag"
	"tutor/web/documents"
)

// maxUploadFiles bounds the files of one upload request.
const maxUploadFiles = 100

// documentsUpload stores the files of a multipart upload (field "files") and queues their
// indexing. Every file is read and parsed before any is stored, so a bad file refuses the
// whole request and leaves the workspace as it was. Scripts get JSON; a plain form post
// goes back to the Documents page.
func (h *Handler) documentsUpload(c echo.Context) error {
	ix, err := h.index()
	if err != nil {
		return err
	}
	files, err := readUploads(c, ix.Limits())
	if err != nil {
		return err
	}
	var res documents.UploadResult
	for _, f := range files {
		docs, err := ix.Add(ctx(c), f.name, bytes.NewReader(f.data), int64(len(f.data)), callerName(c))
		if err != nil {
			if len(res.Documents)+len(docs) > 0 {
				h.queueIndexing(c) // what was stored before the failure still gets indexed
			}
			return err
		}
		for _, d := range docs {
			res.Documents = append(res.Documents, documents.UploadedDocument{ID: d.ID, Name: d.Name, Status: d.Status,
				Chunks: d.Chunks, Duplicate: d.Duplicate, URL: documentView(d).URL()})
		}
	}
	if err := h.queueIndexing(c); err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusCreated, res)
	}
	return redirect(c, fmt.Sprintf("/documents?uploaded=%d", len(res.Documents)))
}

// upload is one file of an upload request, read and checked.
type upload struct {
	name string
	data []byte
}

// readUploads reads every file of the request's "files" field within the limits and parses
// each, so that unsupported, oversized and malformed files are refused before anything is
// stored. The body limit middleware has parsed the form already.
func readUploads(c echo.Context, lim rag.Limits) ([]upload, error) {
	form, err := c.MultipartForm()
	if err != nil {
		return nil, tutor.Errorf(tutor.EINVALID, "send the files as multipart/form-data in the field \"files\"")
	}
	fhs := form.File["files"]
	switch {
	case len(fhs) == 0:
		return nil, tutor.Errorf(tutor.EINVALID, "choose at least one file to upload")
	case len(fhs) > maxUploadFiles:
		return nil, tutor.Errorf(tutor.ETOOLARGE, "an upload may hold at most %d files", maxUploadFiles)
	}
	out := make([]upload, 0, len(fhs))
	for _, fh := range fhs {
		f, err := readUpload(fh, lim)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// readUpload reads one file (one byte past the limit, so that Parse reports a file over it)
// and parses it; the type is checked first, so a wrong type fails fast.
func readUpload(fh *multipart.FileHeader, lim rag.Limits) (upload, error) {
	name := rawFileName(fh)
	if _, err := rag.FormatOf(name); err != nil {
		return upload{}, err
	}
	f, err := fh.Open()
	if err != nil {
		return upload{}, tutor.Wrap(err, tutor.EINTERNAL, "open the upload %q", name)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, lim.MaxFileBytes+1))
	if err != nil {
		return upload{}, tutor.Wrap(err, tutor.EINTERNAL, "read the upload %q", name)
	}
	if _, err := rag.Parse(name, data, lim); err != nil {
		return upload{}, err
	}
	return upload{name: name, data: data}, nil
}

// rawFileName is the file name as the client sent it. The parsed form keeps only its last
// element, which would quietly accept "../x.txt"; Parse refuses such names with a clear message.
func rawFileName(fh *multipart.FileHeader) string {
	_, params, err := mime.ParseMediaType(fh.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] == "" {
		return fh.Filename
	}
	return params["filename"]
}
