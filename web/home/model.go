// Package home renders the overview page: what each section is for, and the latest jobs.
package home

import "tutor/web/jobs"

// Page is the overview.
type Page struct {
	Documents  int
	RecentJobs []jobs.Job
}
