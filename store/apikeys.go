package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"tutor"
)

// APIKeyPrefix starts every API key, so leaked keys are easy to recognise.
const APIKeyPrefix = "tutor_"

// APIKey lets a program call the serving API; only a hash of the key is stored.
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string // the first characters, shown to tell keys apart
	Role       Role
	UserID     int64 // 0 when the key belongs to no user
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// CreateAPIKey makes a new key and returns it in clear once; only its hash is kept.
func (s *Store) CreateAPIKey(ctx context.Context, name string, role Role, userID int64) (*APIKey, string, error) {
	if strings.TrimSpace(name) == "" {
		return nil, "", tutor.Errorf(tutor.EINVALID, "API key name is empty")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return nil, "", err
	}
	key := APIKeyPrefix + randomHex(24)
	k := &APIKey{Name: name, Prefix: key[:len(APIKeyPrefix)+6], Role: role, UserID: userID, CreatedAt: s.now().UTC()}
	var user any
	if userID != 0 {
		user = userID
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO api_keys(name, prefix, hash, role, user_id, created_at)
		VALUES(?, ?, ?, ?, ?, ?)`, k.Name, k.Prefix, hashKey(key), k.Role, user, millis(k.CreatedAt))
	if err != nil {
		return nil, "", dbErr(err, "create API key")
	}
	k.ID, _ = res.LastInsertId()
	return k, key, nil
}

// LookupAPIKey returns the live key matching key and notes its use.
func (s *Store) LookupAPIKey(ctx context.Context, key string) (*APIKey, error) {
	var k APIKey
	var hash string
	var user sql.NullInt64
	var created, used, revoked int64
	err := s.db.QueryRowContext(ctx, `SELECT id, name, prefix, hash, role, user_id, created_at, last_used_at, revoked_at
		FROM api_keys WHERE hash = ?`, hashKey(key)).Scan(&k.ID, &k.Name, &k.Prefix, &hash, &k.Role, &user,
		&created, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && subtle.ConstantTimeCompare([]byte(hash), []byte(hashKey(key))) != 1) {
		return nil, tutor.Errorf(tutor.EUNAUTHORIZED, "unknown API key")
	} else if err != nil {
		return nil, dbErr(err, "read API key")
	}
	if revoked != 0 {
		return nil, tutor.Errorf(tutor.EUNAUTHORIZED, "API key %s… was revoked", k.Prefix)
	}
	k.UserID = user.Int64
	k.CreatedAt, k.LastUsedAt = fromMillis(created), s.now().UTC()
	_, err = s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, millis(k.LastUsedAt), k.ID)
	return &k, dbErr(err, "note API key use")
}

// RevokeAPIKey stops a key from working.
func (s *Store) RevokeAPIKey(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at = 0`,
		millis(s.now()), id)
	if err != nil {
		return dbErr(err, "revoke API key %d", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tutor.Errorf(tutor.ENOTFOUND, "API key %d not found or already revoked", id)
	}
	return nil
}

// APIKeys lists all keys, newest first.
func (s *Store) APIKeys(ctx context.Context) ([]*APIKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, prefix, role, user_id, created_at, last_used_at, revoked_at
		FROM api_keys ORDER BY id DESC`)
	if err != nil {
		return nil, dbErr(err, "list API keys")
	}
	defer rows.Close()
	var out []*APIKey
	for rows.Next() {
		var k APIKey
		var user sql.NullInt64
		var created, used, revoked int64
		if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, &k.Role, &user, &created, &used, &revoked); err != nil {
			return nil, dbErr(err, "scan API key")
		}
		k.UserID = user.Int64
		k.CreatedAt, k.LastUsedAt, k.RevokedAt = fromMillis(created), fromMillis(used), fromMillis(revoked)
		out = append(out, &k)
	}
	return out, dbErr(rows.Err(), "list API keys")
}
