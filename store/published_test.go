package store

import (
	"context"
	"testing"
)

func TestPublishedModelsReplaceByServerAndName(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RecordPublished(ctx, &PublishedModel{OllamaURL: "http://a", Name: "x:latest"}); err == nil {
		t.Fatal("a record without a base was accepted")
	}
	first := &PublishedModel{OllamaURL: "http://a", Name: "tutor-okr:latest", Base: "demo", Adapter: "okr", Digest: "sha256:1"}
	if err := s.RecordPublished(ctx, first); err != nil {
		t.Fatal(err)
	}
	other := &PublishedModel{OllamaURL: "http://b", Name: "tutor-okr:latest", Base: "demo", Adapter: "okr"}
	if err := s.RecordPublished(ctx, other); err != nil {
		t.Fatal(err)
	}
	again := &PublishedModel{OllamaURL: "http://a", Name: "tutor-okr:latest", Base: "demo", Adapter: "okr2", Digest: "sha256:2"}
	if err := s.RecordPublished(ctx, again); err != nil {
		t.Fatal(err)
	}
	ps, err := s.PublishedModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 {
		t.Fatalf("got %d records, want 2 (one per server)", len(ps))
	}
	var a *PublishedModel
	for _, p := range ps {
		if p.OllamaURL == "http://a" {
			a = p
		}
	}
	if a == nil || a.Adapter != "okr2" || a.Digest != "sha256:2" || a.ID != first.ID {
		t.Fatalf("republishing did not replace the record: %+v (first id %d)", a, first.ID)
	}
}
