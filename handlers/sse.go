package handlers

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// sseHeartbeat keeps idle streams open through proxies.
const sseHeartbeat = 15 * time.Second

// sseStream writes server-sent events to one client.
type sseStream struct {
	c  echo.Context
	rc *http.ResponseController
}

// startSSE sends the event-stream headers, clears the server's write deadline for this long
// response and flushes, so the client sees the stream open at once.
func startSSE(c echo.Context) (*sseStream, error) {
	rc := http.NewResponseController(c.Response())
	// Not every writer supports deadlines (tests' recorders); a stream without one still works.
	_ = rc.SetWriteDeadline(time.Time{})
	hd := c.Response().Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Connection", "keep-alive")
	hd.Set("X-Accel-Buffering", "no")
	c.Response().WriteHeader(http.StatusOK)
	s := &sseStream{c: c, rc: rc}
	return s, s.flush()
}

func (s *sseStream) flush() error {
	if err := s.rc.Flush(); err != nil {
		return err
	}
	return nil
}

// Send writes one event; data may span lines. id, when not empty, becomes the stream position
// the browser sends back as Last-Event-ID on reconnect.
func (s *sseStream) Send(event, id, data string) error {
	var b strings.Builder
	if id != "" {
		fmt.Fprintf(&b, "id: %s\n", id)
	}
	fmt.Fprintf(&b, "event: %s\n", event)
	for _, line := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
		fmt.Fprintf(&b, "data: %s\n", line)
	}
	b.WriteString("\n")
	if _, err := s.c.Response().Write([]byte(b.String())); err != nil {
		return err
	}
	return s.flush()
}

// SendHTML renders component and sends it as one event, for htmx's sse-swap.
func (s *sseStream) SendHTML(event, id string, component templ.Component) error {
	var buf bytes.Buffer
	if err := component.Render(s.c.Request().Context(), &buf); err != nil {
		return err
	}
	return s.Send(event, id, buf.String())
}

// Comment sends a comment line, which clients ignore; it keeps the connection alive.
func (s *sseStream) Comment(text string) error {
	if _, err := s.c.Response().Write([]byte(": " + text + "\n\n")); err != nil {
		return err
	}
	return s.flush()
}
