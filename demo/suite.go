package demo

import _ "embed"

// Suite is demo/suite.yaml: the demo company's evaluation suite, questions about [Docs] in
// Chinese and English with reference answers, keywords, categories and source documents.
//
//go:embed suite.yaml
var Suite []byte
