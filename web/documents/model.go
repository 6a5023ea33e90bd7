// Package documents renders the Documents page: the company documents in the workspace.
package documents

import "time"

// Document is the view of one stored document.
type Document struct {
	ID        int64
	Name      string
	Size      int64
	Status    string
	CreatedAt time.Time
}

// Page lists the documents.
type Page struct {
	Documents []Document
}
