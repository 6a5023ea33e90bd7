package main

import (
	"tutor/finetune"
	"tutor/internal/jobs"
)

// registerJobs registers every kind of job with the runner; add one line per kind.
func registerJobs(m *Main) {
	m.Jobs.Register(jobs.DemoKind, jobs.Demo())
	m.Jobs.Register(finetune.JobKind, finetune.Job(m.Store))
}
