// Package demo embeds the demo company: its documents, its evaluation suite and the demo base model.
package demo
