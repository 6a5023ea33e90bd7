// Package web holds the templ components and the embedded static assets of Tutor's pages;
// it receives plain view data only.
package web
