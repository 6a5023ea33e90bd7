package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"tutor"
)

// Role is what a user may do; the handlers map roles to allowed actions in one table.
type Role string

// Roles. Trainers curate documents and train; managers compare and vote; engineers evaluate;
// admins may do everything, including managing users.
const (
	RoleTrainer  Role = "trainer"
	RoleManager  Role = "manager"
	RoleEngineer Role = "engineer"
	RoleAdmin    Role = "admin"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleTrainer, RoleManager, RoleEngineer, RoleAdmin:
		return r, nil
	}
	return "", tutor.Errorf(tutor.EINVALID, "role %q: want trainer, manager, engineer or admin", s)
}

// User is a person who signs in.
type User struct {
	ID        int64
	Name      string
	Role      Role
	Disabled  bool
	CreatedAt time.Time
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// CreateUser stores a user with a bcrypt hash of password.
func (s *Store) CreateUser(ctx context.Context, name string, role Role, password string) (*User, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return nil, tutor.Errorf(tutor.EINVALID, "user name must be 1 to 64 characters")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return nil, err
	}
	if len(password) < MinPasswordLength || len(password) > 72 {
		return nil, tutor.Errorf(tutor.EINVALID, "password must be %d to 72 bytes", MinPasswordLength)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.passwordCost())
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "hash password")
	}
	now := s.now().UTC()
	res, err := s.db.ExecContext(ctx, `INSERT INTO users(name, role, password_hash, created_at, updated_at)
		VALUES(?, ?, ?, ?, ?)`, name, role, string(hash), millis(now), millis(now))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return nil, tutor.Errorf(tutor.ECONFLICT, "user %q exists", name)
		}
		return nil, dbErr(err, "create user %q", name)
	}
	id, _ := res.LastInsertId()
	return &User{ID: id, Name: name, Role: role, CreatedAt: now}, nil
}

// SetPasswordCost sets the bcrypt cost of new password hashes (tests use bcrypt.MinCost to stay fast).
func (s *Store) SetPasswordCost(cost int) { s.bcryptCost = cost }

func (s *Store) passwordCost() int {
	if s.bcryptCost == 0 {
		return bcrypt.DefaultCost
	}
	return s.bcryptCost
}

// Authenticate returns the user whose name and password match; any mismatch is unauthorized.
func (s *Store) Authenticate(ctx context.Context, name, password string) (*User, error) {
	var u User
	var hash string
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT id, name, role, disabled, password_hash, created_at FROM users
		WHERE name = ?`, strings.TrimSpace(name)).Scan(&u.ID, &u.Name, &u.Role, &u.Disabled, &hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		// Hash anyway so timing does not tell which names exist.
		bcrypt.CompareHashAndPassword([]byte("$2a$10$0000000000000000000000000000000000000000000000000000."), []byte(password))
		return nil, tutor.Errorf(tutor.EUNAUTHORIZED, "wrong name or password")
	} else if err != nil {
		return nil, dbErr(err, "read user")
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || u.Disabled {
		return nil, tutor.Errorf(tutor.EUNAUTHORIZED, "wrong name or password")
	}
	u.CreatedAt = fromMillis(created)
	return &u, nil
}

// Users lists all users by name.
func (s *Store) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, role, disabled, created_at FROM users ORDER BY name`)
	if err != nil {
		return nil, dbErr(err, "list users")
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		var u User
		var created int64
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &u.Disabled, &created); err != nil {
			return nil, dbErr(err, "scan user")
		}
		u.CreatedAt = fromMillis(created)
		out = append(out, &u)
	}
	return out, dbErr(rows.Err(), "list users")
}

// CountUsers is the number of users; with none, user sign-in is off.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE disabled = 0`).Scan(&n)
	return n, dbErr(err, "count users")
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
