package web

import "context"

// Request is what every page needs to know about the request it renders for; the handlers put
// it in the context and components read it with [RequestFrom].
type Request struct {
	Path     string // the URL path, to mark the current navigation entry
	CSRF     string // the token forms send back
	User     string // the signed-in name; empty when access control is off
	Role     string // trainer, manager, engineer, admin, token, or empty when access control is off
	AuthOn   bool   // access control is on, so show sign-out
	Can      func(action string) bool
	Version  string
	LangNext string // the URL the language switch returns to
}

// Allowed reports whether the request's user may perform action; true when no check is set.
func (r *Request) Allowed(action string) bool {
	return r.Can == nil || r.Can(action)
}

type requestKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request info in ctx, or an empty one.
func RequestFrom(ctx context.Context) *Request {
	if r, ok := ctx.Value(requestKey{}).(*Request); ok {
		return r
	}
	return &Request{}
}
