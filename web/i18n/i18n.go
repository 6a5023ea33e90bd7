// Package i18n holds the user interface's message catalog in English and Chinese, and picks the
// language of a request from a cookie or Accept-Language.
package i18n

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

// Languages the interface speaks.
const (
	English = "en"
	Chinese = "zh"
)

// Supported lists the languages in the order the switch shows them.
var Supported = []string{English, Chinese}

// Text is one message in both languages.
type Text struct{ En, Zh string }

// catalog maps message keys to their texts. Each area of the interface adds its own file
// (catalog_<area>.go) calling add from init, so areas never edit the same lines.
var catalog = map[string]Text{}

func add(m map[string]Text) {
	for k, v := range m {
		if _, dup := catalog[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		catalog[k] = v
	}
}

// Add registers messages from another package (a page's own catalog); a key defined twice panics.
func Add(m map[string]Text) { add(m) }

type langKey struct{}

// WithLang returns ctx carrying the interface language.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// Lang is the language carried by ctx, English when none.
func Lang(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok && l != "" {
		return l
	}
	return English
}

// T returns the message key in ctx's language, formatted with args when given. A missing key
// shows as the key itself in brackets, which tests look for.
func T(ctx context.Context, key string, args ...any) string {
	return Translate(Lang(ctx), key, args...)
}

// Translate returns the message key in lang.
func Translate(lang, key string, args ...any) string {
	t, ok := catalog[key]
	if !ok {
		return "[" + key + "]"
	}
	s := t.En
	if lang == Chinese && t.Zh != "" {
		s = t.Zh
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Keys lists every message key, sorted.
func Keys() []string {
	ks := make([]string, 0, len(catalog))
	for k := range catalog {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Lookup returns the texts of key.
func Lookup(key string) (Text, bool) {
	t, ok := catalog[key]
	return t, ok
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Chinese})

// Parse returns a supported language for a cookie value, or "" when it is none.
func Parse(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case English:
		return English
	case Chinese:
		return Chinese
	}
	return ""
}

// FromAcceptLanguage picks the best supported language for an Accept-Language header.
func FromAcceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Supported[i]
}
