package demo

import _ "embed"

// Preset is what the one-click "train on the demo company" preset tunes an adapter on, in chat
// JSONL: demo/preset.jsonl, question/answer pairs written from [Docs] in the company's own
// words (its named methods, formats and numbers), then the house-style rules applied to many
// cases (see presetStyle). The questions are worded differently from those of [Suite], which
// stays held out for evaluation.
var Preset = append(append([]byte(nil), presetPairs...), presetStyle()...)

//go:embed preset.jsonl
var presetPairs []byte
