// Package store owns the workspace on disk and its SQLite metadata: documents, datasets, runs,
// jobs and votes, with versioned migrations and atomic writes.
package store
