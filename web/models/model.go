// Package models renders the Models page: base models, adapters and where they run.
package models

// Page is the Models page.
type Page struct {
	OllamaURL string // the configured Ollama server, or empty
}
