// Package train renders the Train page.
package train

import "tutor/web/jobs"

// Page lists the train jobs so far.
type Page struct {
	Jobs []jobs.Job
}
