// Package components holds the layout and the pieces every page shares: navigation, language
// switch, empty states, errors and job progress.
package components

import (
	"context"
	"strings"
	"time"

	"tutor/web"
	"tutor/web/i18n"
)

// NavItem is one entry of the main navigation.
type NavItem struct {
	Path   string
	Label  string // i18n key
	TestID string
}

// Nav is the main navigation in order.
var Nav = []NavItem{
	{"/documents", "nav.documents", "nav-documents"},
	{"/compare", "nav.compare", "nav-compare"},
	{"/train", "nav.train", "nav-train"},
	{"/evaluate", "nav.evaluate", "nav-evaluate"},
	{"/models", "nav.models", "nav-models"},
	{"/jobs", "nav.jobs", "nav-jobs"},
}

// current reports whether the request is on item's section.
func current(ctx context.Context, item NavItem) bool {
	p := web.RequestFrom(ctx).Path
	return p == item.Path || strings.HasPrefix(p, item.Path+"/")
}

func ariaCurrent(ctx context.Context, item NavItem) string {
	if current(ctx, item) {
		return "page"
	}
	return "false"
}

// csrfHeaders is the hx-headers value that makes every htmx request carry the CSRF token.
func csrfHeaders(ctx context.Context) string {
	return `{"X-CSRF-Token": "` + web.RequestFrom(ctx).CSRF + `"}`
}

func pressed(ctx context.Context, lang string) string {
	if i18n.Lang(ctx) == lang {
		return "true"
	}
	return "false"
}

// When formats a time for the page's language; the zero time reads "never".
func When(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return i18n.T(ctx, "common.never")
	}
	if i18n.Lang(ctx) == i18n.Chinese {
		return t.Local().Format("2006-01-02 15:04")
	}
	return t.Local().Format("2 Jan 2006 15:04")
}

// T is i18n.T, short for templates.
func T(ctx context.Context, key string, args ...any) string { return i18n.T(ctx, key, args...) }

func htmlLang(ctx context.Context) string {
	if i18n.Lang(ctx) == i18n.Chinese {
		return "zh-CN"
	}
	return "en"
}
