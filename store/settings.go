package store

import (
	"context"
	"database/sql"
	"errors"
)

// Setting returns the value stored under key and whether it exists.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, dbErr(err, "read setting %q", key)
}

// SetSetting stores value under key, replacing any earlier value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES(?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, millis(s.now()))
	return dbErr(err, "write setting %q", key)
}

// SettingOrInit returns the value under key, storing and returning init() first when missing.
// Two processes racing store one value: the first insert wins and both read it back.
func (s *Store) SettingOrInit(ctx context.Context, key string, init func() string) (string, error) {
	if v, ok, err := s.Setting(ctx, key); err != nil || ok {
		return v, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES(?, ?, ?)
		ON CONFLICT(key) DO NOTHING`, key, init(), millis(s.now())); err != nil {
		return "", dbErr(err, "write setting %q", key)
	}
	v, _, err := s.Setting(ctx, key)
	return v, err
}
