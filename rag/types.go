package rag

import (
	"strings"
	"time"
)

// Document is an uploaded document with what ingestion made of it.
type Document struct {
	ID          int64
	Name        string // file name as uploaded (inside an archive: the member's path)
	Format      string // txt, md, html, pdf, docx
	ContentType string
	Encoding    string // the source text encoding, e.g. utf-8 or gb18030
	Source      string // the archive the document came from, if any
	Size        int64  // bytes of the original
	SHA256      string // of the original
	Status      string // pending, indexed or failed
	Error       string // why indexing failed
	Chars       int    // runes of extracted text
	Chunks      int
	UploadedBy  string
	Duplicate   bool // set by Add when the same bytes were already stored; the existing document is returned
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Document statuses.
const (
	StatusPending = "pending"
	StatusIndexed = "indexed"
	StatusFailed  = "failed"
)

// Chunk is a piece of a document's extracted text: what is embedded, scored and quoted.
type Chunk struct {
	DocID   int64
	DocName string
	Seq     int      // position within the document, from 0
	Heading []string // heading path, outermost first
	Start   int      // byte offset of Text in the document's extracted text
	End     int      // byte offset just past Text
	Text    string
}

// ID is the chunk's identifier in the vector store.
func (c Chunk) ID() string { return chunkID(c.DocID, c.Seq) }

// HeadingPath is the heading path joined with " › ".
func (c Chunk) HeadingPath() string { return strings.Join(c.Heading, " › ") }

// Hit is a retrieved chunk with its fused score and its ranks in each retriever (0: not found there).
type Hit struct {
	Chunk
	Score      float64
	BM25Rank   int
	VectorRank int
}

// Retrieval modes of [SearchOptions].
const (
	ModeHybrid = "hybrid"
	ModeBM25   = "bm25"
	ModeVector = "vector"
)

// SearchOptions control [Index.Search].
type SearchOptions struct {
	TopK     int     // hits to return; 0: 5
	MinScore float64 // drop hits whose score is below; fused scores lie between 0 and 1
	Mode     string  // hybrid (default), bm25 or vector
	DocID    int64   // when set, search only this document
}

// Progress reports long work: Done of Total units, with a message.
type Progress struct {
	Done, Total int
	Message     string
}
