package store

import (
	"context"
	"strings"
	"testing"

	"tutor"
)

func TestUsersAndAuthenticate(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if n, _ := s.CountUsers(ctx); n != 0 {
		t.Fatalf("fresh workspace has %d users", n)
	}
	if _, err := s.CreateUser(ctx, "mia", RoleManager, "correct horse"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, role, password string
		code                 string
	}{
		{"mia", "manager", "another password", tutor.ECONFLICT},
		{"", "manager", "long enough", tutor.EINVALID},
		{"bo", "boss", "long enough", tutor.EINVALID},
		{"bo", "trainer", "short", tutor.EINVALID},
		{"bo", "trainer", strings.Repeat("x", 73), tutor.EINVALID},
	} {
		if _, err := s.CreateUser(ctx, tc.name, Role(tc.role), tc.password); tutor.ErrorCode(err) != tc.code {
			t.Errorf("CreateUser(%q, %q) = %v, want %s", tc.name, tc.role, err, tc.code)
		}
	}
	u, err := s.Authenticate(ctx, " mia ", "correct horse")
	if err != nil || u.Name != "mia" || u.Role != RoleManager {
		t.Fatalf("Authenticate = %+v, %v", u, err)
	}
	for _, bad := range [][2]string{{"mia", "wrong horse"}, {"nobody", "correct horse"}} {
		if _, err := s.Authenticate(ctx, bad[0], bad[1]); tutor.ErrorCode(err) != tutor.EUNAUTHORIZED {
			t.Errorf("Authenticate(%q, %q) = %v, want unauthorized", bad[0], bad[1], err)
		}
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Errorf("CountUsers = %d", n)
	}
}

func TestAPIKeys(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	k, key, err := s.CreateAPIKey(ctx, "ci", RoleEngineer, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, APIKeyPrefix) || !strings.HasPrefix(key, k.Prefix) {
		t.Errorf("key %q, prefix %q", key, k.Prefix)
	}
	var stored int
	s.DB().QueryRow(`SELECT count(*) FROM api_keys WHERE hash = ? OR prefix = ?`, key, key).Scan(&stored)
	if stored != 0 {
		t.Error("the key is stored in clear")
	}
	got, err := s.LookupAPIKey(ctx, key)
	if err != nil || got.ID != k.ID || got.Role != RoleEngineer {
		t.Fatalf("lookup = %+v, %v", got, err)
	}
	if _, err := s.LookupAPIKey(ctx, key+"x"); tutor.ErrorCode(err) != tutor.EUNAUTHORIZED {
		t.Errorf("wrong key: %v", err)
	}
	if err := s.RevokeAPIKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupAPIKey(ctx, key); tutor.ErrorCode(err) != tutor.EUNAUTHORIZED {
		t.Errorf("revoked key: %v", err)
	}
	if err := s.RevokeAPIKey(ctx, k.ID); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Errorf("revoking twice: %v", err)
	}
	keys, _ := s.APIKeys(ctx)
	if len(keys) != 1 || keys[0].RevokedAt.IsZero() || keys[0].LastUsedAt.IsZero() {
		t.Errorf("keys %+v", keys)
	}
}

func TestSettingOrInitKeepsFirstValue(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	v, err := s.SettingOrInit(ctx, "secret", func() string { return "first" })
	if err != nil || v != "first" {
		t.Fatalf("first = %q, %v", v, err)
	}
	v, _ = s.SettingOrInit(ctx, "secret", func() string { return "second" })
	if v != "first" {
		t.Errorf("second call = %q, want the stored first", v)
	}
}
