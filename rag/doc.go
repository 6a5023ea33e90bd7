// Package rag turns uploaded documents into retrievable chunks: parsing, chunking, embedding,
// the chromem-go store, hybrid retrieval and prompt assembly with numbered citations.
package rag
