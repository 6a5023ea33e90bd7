package store

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"

	"tutor"
)

// MustOpen opens a fresh workspace in a temporary folder, closed when the test ends.
func MustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(context.Background(), tb.TempDir())
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	s.SetPasswordCost(4) // bcrypt's minimum: tests need no slow hashes
	tb.Cleanup(func() { s.Close() })
	return s
}

func tableExists(tb testing.TB, s *Store, name string) bool {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n == 1
}

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	var want []int
	for i, m := range ms {
		want = append(want, m.Version)
		if i > 0 && m.Version <= ms[i-1].Version {
			t.Errorf("migrations out of order: %d after %d", m.Version, ms[i-1].Version)
		}
	}

	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatalf("open empty workspace: %v", err)
	}
	got, err := s.AppliedVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
	for _, table := range []string{"jobs", "job_logs", "documents", "users", "api_keys", "settings", "votes"} {
		if !tableExists(t, s, table) {
			t.Errorf("table %s missing after migrating from empty", table)
		}
	}
	// Data written at this version must survive a second migration run.
	if err := s.SetSetting(ctx, "probe", "kept"); err != nil {
		t.Fatal(err)
	}
	var firstApplied int64
	s.DB().QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = ?`, want[0]).Scan(&firstApplied)
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate again: %v", err)
	}
	s.Close()

	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, _ = s.AppliedVersions(ctx)
	if !slices.Equal(got, want) {
		t.Errorf("after reopening applied %v, want %v", got, want)
	}
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n)
	if n != len(want) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(want))
	}
	var applied int64
	s.DB().QueryRow(`SELECT applied_at FROM schema_migrations WHERE version = ?`, want[0]).Scan(&applied)
	if applied != firstApplied {
		t.Errorf("migration %d re-applied: applied_at %d, then %d", want[0], firstApplied, applied)
	}
	if v, ok, err := s.Setting(ctx, "probe"); err != nil || !ok || v != "kept" {
		t.Errorf("setting after re-migration = %q, %v, %v", v, ok, err)
	}
}

// A migration that fails half-way leaves no trace and keeps the versions before it; fixing it
// and migrating again applies it.
func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	base, _ := s.AppliedVersions(ctx)
	next := base[len(base)-1] + 1
	good := Migration{Version: next, Name: "good", SQL: `CREATE TABLE probe_good (id INTEGER PRIMARY KEY);`}
	bad := Migration{Version: next + 1, Name: "bad", SQL: `CREATE TABLE probe_bad (id INTEGER PRIMARY KEY);
		INSERT INTO no_such_table VALUES (1);`}
	err := s.migrate(ctx, []Migration{good, bad})
	if err == nil {
		t.Fatal("a failing migration returned no error")
	}
	if tutor.ErrorCode(err) != tutor.EINTERNAL {
		t.Errorf("code = %s, want internal", tutor.ErrorCode(err))
	}
	got, _ := s.AppliedVersions(ctx)
	if want := append(slices.Clone(base), next); !slices.Equal(got, want) {
		t.Errorf("applied %v, want %v", got, want)
	}
	if !tableExists(t, s, "probe_good") {
		t.Error("the good migration was not kept")
	}
	if tableExists(t, s, "probe_bad") {
		t.Error("the failed migration left its first statement behind")
	}
	bad.SQL = `CREATE TABLE probe_bad (id INTEGER PRIMARY KEY);`
	if err := s.migrate(ctx, []Migration{good, bad}); err != nil {
		t.Fatalf("fixed migration: %v", err)
	}
	if !tableExists(t, s, "probe_bad") {
		t.Error("the fixed migration was not applied")
	}
}

func TestReadMigrationsRejectsBadNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		ok    bool
	}{
		{"ordered", fstest.MapFS{"m/0002_b.sql": {Data: []byte("b")}, "m/0001_a.sql": {Data: []byte("a")}, "m/README": {}}, true},
		{"no number", fstest.MapFS{"m/init.sql": {}}, false},
		{"no name", fstest.MapFS{"m/0001.sql": {}}, false},
		{"zero", fstest.MapFS{"m/0000_a.sql": {}}, false},
		{"duplicate version", fstest.MapFS{"m/0001_a.sql": {}, "m/1_b.sql": {}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := readMigrations(tc.files, "m")
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if tc.ok && (len(ms) != 2 || ms[0].Version != 1 || ms[0].Name != "a" || ms[1].SQL != "b") {
				t.Errorf("migrations = %+v", ms)
			}
		})
	}
}

func TestOpenRefusesEmptyFolder(t *testing.T) {
	if _, err := Open(context.Background(), ""); tutor.ErrorCode(err) != tutor.EINVALID {
		t.Errorf("Open(\"\") = %v, want invalid", err)
	}
}
