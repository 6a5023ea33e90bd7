// Package compare renders the Compare page: one question, the variants' answers side by side.
package compare

// Tally is the vote count for one pair of variants.
type Tally struct {
	Left, Right                  string
	LeftWins, RightWins, Ties, N int
}

// Page is the Compare page.
type Page struct {
	Tallies []Tally
}
