package store

import (
	"context"
	"time"

	"tutor"
)

// Vote is a person's choice between two variants' answers to one question.
type Vote struct {
	ID           int64
	Question     string
	LeftVariant  string
	RightVariant string
	LeftAnswer   string
	RightAnswer  string
	Choice       string // left, right, tie or neither
	Comment      string
	Voter        string
	CreatedAt    time.Time
}

// CreateVote records v.
func (s *Store) CreateVote(ctx context.Context, v *Vote) error {
	switch v.Choice {
	case "left", "right", "tie", "neither":
	default:
		return tutor.Errorf(tutor.EINVALID, "vote choice %q: want left, right, tie or neither", v.Choice)
	}
	if v.Question == "" || v.LeftVariant == "" || v.RightVariant == "" {
		return tutor.Errorf(tutor.EINVALID, "a vote needs a question and two variants")
	}
	v.CreatedAt = s.now().UTC()
	res, err := s.db.ExecContext(ctx, `INSERT INTO votes(question, left_variant, right_variant, left_answer,
		right_answer, choice, comment, voter, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.Question,
		v.LeftVariant, v.RightVariant, v.LeftAnswer, v.RightAnswer, v.Choice, v.Comment, v.Voter, millis(v.CreatedAt))
	if err != nil {
		return dbErr(err, "record vote")
	}
	v.ID, err = res.LastInsertId()
	return dbErr(err, "record vote")
}

// Votes lists the most recent votes, newest first (limit 0: 100).
func (s *Store) Votes(ctx context.Context, limit int) ([]*Vote, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, question, left_variant, right_variant, left_answer, right_answer,
		choice, comment, voter, created_at FROM votes ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, dbErr(err, "list votes")
	}
	defer rows.Close()
	var out []*Vote
	for rows.Next() {
		var v Vote
		var at int64
		if err := rows.Scan(&v.ID, &v.Question, &v.LeftVariant, &v.RightVariant, &v.LeftAnswer, &v.RightAnswer,
			&v.Choice, &v.Comment, &v.Voter, &at); err != nil {
			return nil, dbErr(err, "scan vote")
		}
		v.CreatedAt = fromMillis(at)
		out = append(out, &v)
	}
	return out, dbErr(rows.Err(), "list votes")
}

// VoteTally counts the choices for each ordered pair of variants.
type VoteTally struct {
	LeftVariant, RightVariant      string
	Left, Right, Tie, Neither, All int
}

// VoteTallies sums the votes by variant pair.
func (s *Store) VoteTallies(ctx context.Context) ([]VoteTally, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT left_variant, right_variant,
		SUM(choice = 'left'), SUM(choice = 'right'), SUM(choice = 'tie'), SUM(choice = 'neither'), COUNT(*)
		FROM votes GROUP BY left_variant, right_variant ORDER BY COUNT(*) DESC`)
	if err != nil {
		return nil, dbErr(err, "tally votes")
	}
	defer rows.Close()
	var out []VoteTally
	for rows.Next() {
		var t VoteTally
		if err := rows.Scan(&t.LeftVariant, &t.RightVariant, &t.Left, &t.Right, &t.Tie, &t.Neither, &t.All); err != nil {
			return nil, dbErr(err, "scan tally")
		}
		out = append(out, t)
	}
	return out, dbErr(rows.Err(), "tally votes")
}
