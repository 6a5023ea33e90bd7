package main

import (
	"tutor/finetune"
	"tutor/handlers"
	"tutor/internal/jobs"
	"tutor/llm/builtin"
)

// registerJobs registers every kind of job with the runner; add one line per kind.
func registerJobs(m *Main) {
	m.Jobs.Register(jobs.DemoKind, jobs.Demo())
	m.Jobs.Register(handlers.IndexJobKind, handlers.IndexJob(m.RAG))
	m.Jobs.Register(handlers.EvalJobKind, handlers.EvalJob(handlers.EvalDeps{Store: m.Store, RAG: m.RAG,
		Builtin: builtin.New(builtin.Options{}), OllamaURL: m.Config.OllamaURL, OpenAIKey: m.Config.OpenAIKey}))
	m.Jobs.Register(finetune.JobKind, finetune.Job(m.Store))
}
