// Package documents renders the Documents page: upload, the list of company documents, search
// over their passages, one document's extracted text, and re-indexing.
package documents

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"tutor/web/jobs"
)

// Document is the view of one stored document.
type Document struct {
	ID         int64
	Name       string
	Format     string // txt, md, html, pdf, docx
	Size       int64
	Chunks     int
	Status     string // pending, indexed, failed
	Error      string
	UploadedBy string
	CreatedAt  time.Time
}

// URL is the document's page.
func (d Document) URL() string { return "/documents/" + strconv.FormatInt(d.ID, 10) }

// DeleteURL is where the delete form posts.
func (d Document) DeleteURL() string { return d.URL() + "/delete" }

// OriginalURL downloads the bytes as uploaded.
func (d Document) OriginalURL() string { return d.URL() + "/original" }

// Passage is a retrieved piece of a document.
type Passage struct {
	N       int // its number in a list, from 1
	DocID   int64
	DocName string
	Heading string
	Start   int // byte offsets in the document's extracted text
	End     int
	Text    string
	Score   float64
}

// URL is the passage highlighted in its document.
func (p Passage) URL() string {
	return fmt.Sprintf("/documents/%d?start=%d&end=%d#passage", p.DocID, p.Start, p.End)
}

// Pending reports whether a document is still being indexed, so the list follows it.
func (p Page) Pending() bool {
	for _, d := range p.Documents {
		if d.Status == "pending" {
			return true
		}
	}
	return false
}

// Page is the Documents page.
type Page struct {
	Documents []Document
	Query     string    // the search box
	Hits      []Passage // search results for Query
	Uploaded  int       // documents added by the form post that led here
	Indexing  *jobs.Job // the indexing job, while one is live
	CanUpload bool
	CanDelete bool
	MaxFile   int64 // bytes a file may have
}

// DetailPage is one document with its extracted text; Start and End mark a passage to highlight.
type DetailPage struct {
	Doc        Document
	Text       string
	Start, End int
	CanDelete  bool
}

// Before, Marked and After split the text around the highlighted passage; without a valid
// passage everything is in Before.
func (p DetailPage) Before() string {
	if !p.hasMark() {
		return p.Text
	}
	return p.Text[:p.Start]
}

// Marked is the highlighted passage.
func (p DetailPage) Marked() string {
	if !p.hasMark() {
		return ""
	}
	return p.Text[p.Start:p.End]
}

// After is the text after the highlighted passage.
func (p DetailPage) After() string {
	if !p.hasMark() {
		return ""
	}
	return p.Text[p.End:]
}

// hasMark reports whether Start and End mark a passage inside the text on character boundaries.
func (p DetailPage) hasMark() bool {
	return p.Start >= 0 && p.Start < p.End && p.End <= len(p.Text) &&
		utf8.RuneStart(p.Text[p.Start]) && (p.End == len(p.Text) || utf8.RuneStart(p.Text[p.End]))
}

// UploadResult is the JSON answer to an upload: what was stored, per file.
type UploadResult struct {
	Documents []UploadedDocument `json:"documents"`
}

// UploadedDocument is one stored file of an upload.
type UploadedDocument struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Chunks    int    `json:"chunks"`
	Duplicate bool   `json:"duplicate"`
	URL       string `json:"url"`
}

// Size formats a byte count for people: 512 B, 12.3 KiB, 4.0 MiB.
func Size(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
