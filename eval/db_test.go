package eval

import (
	"context"
	"errors"
	"testing"

	"tutor"
	"tutor/store"
)

func TestDBResumeAfterCrashAndCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustSuite(t)
	gen := &oracle{suite: s}
	variants := []Variant{{Name: "a", Generator: gen}, {Name: "b", Generator: gen, Adapter: "okr"}}

	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	db := NewDB(st.DB())
	run := &RunInfo{Suite: s, Variants: []string{"a", "b"}}
	if err := db.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	crash := errors.New("power cut")
	n := 0
	_, err = Run(ctx, Config{Suite: s, Variants: variants, Concurrency: 1, Results: db.RunResults(run.ID), Cache: db,
		Progress: func(Progress) error {
			if n++; n == 3 {
				return crash
			}
			return nil
		}})
	if !errors.Is(err, crash) {
		t.Fatalf("err = %v", err)
	}
	st.Close()

	// reopen the workspace as a restarted process would
	st, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db = NewDB(st.DB())
	got, err := db.Run(ctx, run.ID)
	if err != nil || got.Suite.Hash() != s.Hash() || len(got.Variants) != 2 || got.State != RunRunning {
		t.Fatalf("stored run %+v, %v", got, err)
	}
	before := gen.calls.Load()
	results, err := Run(ctx, Config{Suite: got.Suite, Variants: variants, Results: db.RunResults(run.ID), Cache: db})
	if err != nil {
		t.Fatal(err)
	}
	if asked := gen.calls.Load() - before; asked != 1 {
		t.Fatalf("resume asked %d questions, want 1 (3 of 4 were done)", asked)
	}
	if len(results) != 4 || !results[0].Passed() || !results[3].Passed() {
		t.Fatalf("results after resume: %+v", results)
	}
	if err := db.FinishRun(ctx, run.ID, RunDone); err != nil {
		t.Fatal(err)
	}
	// a second run of the same variants is answered from the cache
	run2 := &RunInfo{Suite: s, Variants: []string{"a", "b"}}
	if err := db.CreateRun(ctx, run2); err != nil {
		t.Fatal(err)
	}
	before = gen.calls.Load()
	results, err = Run(ctx, Config{Suite: s, Variants: variants, Results: db.RunResults(run2.ID), Cache: db})
	if err != nil || gen.calls.Load() != before || !results[2].Cached {
		t.Fatalf("second run: asked %d, err %v", gen.calls.Load()-before, err)
	}
	runs, err := db.Runs(ctx, 10)
	if err != nil || len(runs) != 2 || runs[0].ID != run2.ID || runs[1].State != RunDone {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	if _, err := db.Run(ctx, 999); tutor.ErrorCode(err) != tutor.ENOTFOUND {
		t.Fatalf("missing run: %v", err)
	}
}
