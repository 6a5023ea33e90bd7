package main

import (
	"tutor/handlers"
	"tutor/internal/jobs"
)

// registerJobs registers every kind of job with the runner; add one line per kind.
func registerJobs(m *Main) {
	m.Jobs.Register(jobs.DemoKind, jobs.Demo())
	m.Jobs.Register(handlers.IndexJobKind, handlers.IndexJob(m.RAG))
}
