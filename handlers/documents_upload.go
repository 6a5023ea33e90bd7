package handlers

import (
	"bytes"
	"errors"
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

// readUploads reads every file part of the request within the limits and parses each, so
// that unsupported, oversized and malformed files are refused before anything is stored.
func readUploads(c echo.Context, lim rag.Limits) ([]upload, error) {
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, tutor.Errorf(tutor.EINVALID, "send the files as multipart/form-data in the field \"files\"")
	}
	var out []upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, uploadReadError(err)
		}
		if part.FormName() != "files" || rawFileName(part) == "" {
			part.Close()
			continue
		}
		f, err := readUpload(part, lim)
		if err != nil {
			return nil, err
		}
		if out = append(out, f); len(out) > maxUploadFiles {
			return nil, tutor.Errorf(tutor.ETOOLARGE, "an upload may hold at most %d files", maxUploadFiles)
		}
	}
	if len(out) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "choose at least one file to upload")
	}
	return out, nil
}

// readUpload reads one file part (one byte past the limit, so that Parse reports a file over
// it) and parses it; the type is checked before reading, so a wrong type fails fast.
func readUpload(part *multipart.Part, lim rag.Limits) (upload, error) {
	defer part.Close()
	name := rawFileName(part)
	if _, err := rag.FormatOf(name); err != nil {
		return upload{}, err
	}
	data, err := io.ReadAll(io.LimitReader(part, lim.MaxFileBytes+1))
	if err != nil {
		return upload{}, uploadReadError(err)
	}
	if _, err := rag.Parse(name, data, lim); err != nil {
		return upload{}, err
	}
	return upload{name: name, data: data}, nil
}

// rawFileName is the file name as the client sent it. Part.FileName strips folders, which
// would quietly accept "../x.txt"; Parse refuses such names with a clear message instead.
func rawFileName(part *multipart.Part) string {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return ""
	}
	return params["filename"]
}

// uploadReadError keeps the 413 of a body over the request limit and calls the rest malformed.
func uploadReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return tutor.Wrap(err, tutor.EINVALID, "the upload is malformed or was cut off")
}
