package main

import (
	"tutor/internal/jobs"
	"tutor/rag"
)

// registerJobs registers every kind of job with the runner; add one line per kind.
func registerJobs(m *Main) {
	m.Jobs.Register(jobs.DemoKind, jobs.Demo())
	m.Jobs.Register(rag.JobKind, ragIndexJob(m))
}
