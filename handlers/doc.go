// Package handlers holds the echo handlers: parse a request, call one service, render a web
// component or JSON; also SSE progress and the Ollama- and OpenAI-compatible serving APIs.
package handlers
