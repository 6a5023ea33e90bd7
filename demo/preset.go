package demo

import _ "embed"

// Preset is demo/preset.jsonl: question/answer pairs in chat JSONL, written from [Docs] in the
// company's own words (its named methods, formats and numbers), that the one-click "train on
// the demo company" preset tunes an adapter on. The questions are worded differently from
// those of [Suite], which stays held out for evaluation.
//
//go:embed preset.jsonl
var Preset []byte
