package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/labstack/echo/v4"
)

// clientID names the caller of a serving API for fair queueing: its API key (hashed, never
// logged in the clear) or else its address.
func clientID(c echo.Context) string {
	if auth := c.Request().Header.Get(echo.HeaderAuthorization); strings.HasPrefix(auth, "Bearer ") {
		sum := sha256.Sum256([]byte(strings.TrimPrefix(auth, "Bearer ")))
		return "key:" + hex.EncodeToString(sum[:8])
	}
	return "ip:" + c.RealIP()
}

// servingAPI names the client API a request belongs to — "ollama" or "openai" — so errors
// come back in the shape that API's clients parse; "" for Tutor's own pages and API.
func servingAPI(c echo.Context) string {
	p := c.Request().URL.Path
	switch {
	case strings.HasPrefix(p, "/v1/"):
		return "openai"
	case ollamaPaths[p]:
		return "ollama"
	}
	return ""
}

// ollamaPaths are the routes of Ollama's API that Tutor serves.
var ollamaPaths = map[string]bool{"/api/tags": true, "/api/show": true, "/api/chat": true,
	"/api/generate": true, "/api/embed": true, "/api/version": true}
