// Package evaluate renders the Evaluate page.
package evaluate

import "tutor/web/jobs"

// Page lists the evaluate jobs so far.
type Page struct {
	Jobs []jobs.Job
}
