package demo

import _ "embed"

// Preset is the bare questions the one-click "train on the demo company" preset tunes an
// adapter on, in chat JSONL: demo/preset.jsonl, question/answer pairs written from [Docs] in the
// company's own words (its named methods, formats and numbers), then the house-style rules
// applied to many cases (see presetStyle). The questions are worded differently from those of
// [Suite], which stays held out for evaluation. Package demo/preset adds some of the answers
// asked with retrieved passages to make the preset's whole dataset.
var Preset = append(append([]byte(nil), PresetPairs...), presetStyle()...)

// PresetPairs is demo/preset.jsonl, the written pairs of Preset: each answer asked several ways.
//
//go:embed preset.jsonl
var PresetPairs []byte
