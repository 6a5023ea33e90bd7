// Package models renders the Models page: base models, adapters and where they run.
package models

// Page is the Models page.
type Page struct {
	OllamaURL  string  // the configured Ollama server, or empty
	Served     []Model // names Tutor serves
	Files      []Model // GGUF files in the workspace models folder
	FilesDir   string  // that folder
	Broken     []Problem
	Ollama     []Model // the Ollama server's models
	OllamaDown string  // why Ollama could not be listed, or empty

	// Publishable are the served names that may be published to Ollama; empty when the caller
	// may not publish or no Ollama server is configured.
	Publishable []string
	Published   []Published // what was published, newest first
}

// Published is a model pushed to an Ollama server.
type Published struct {
	Name, Base, Adapter, OllamaURL, When string
}

// Model is one row of a table.
type Model struct {
	Name          string
	Backend       string
	Architecture  string
	Parameters    string // e.g. 110.2M
	Quantization  string
	ContextLength int
	Size          string // e.g. 111.8 MiB; empty when unknown
}

// Problem is a file that is not a readable model.
type Problem struct {
	Name, Message string
}
