package demo

import "embed"

// ModelName is the demo base model's name in the catalog, and ModelFile its file name in
// demo/model/ and in a workspace's models folder.
const (
	ModelName = "tutor-demo"
	ModelFile = ModelName + ".gguf"
)

//go:embed model
var modelFS embed.FS

// Model is the demo base model, a small Llama-architecture model Tutor trains from nothing with
// `tutor pretrain` (the recipe is in its GGUF metadata, tutor.recipe) on a generated corpus that
// never mentions the demo company: it knows the kind of documents companies write and how to
// answer from retrieved passages, but nothing about the company itself. It is empty when this
// build carries no model (see demo/model/README.md).
var Model, _ = modelFS.ReadFile("model/" + ModelFile)
