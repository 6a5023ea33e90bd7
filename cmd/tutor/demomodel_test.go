package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tutor/demo"
	"tutor/internal/testenv"
	"tutor/llm"
)

// withDemoModel makes the small pretrained test model the embedded demo model for a test.
func withDemoModel(t *testing.T) {
	b, err := os.ReadFile(testenv.Stories260K(t))
	if err != nil {
		t.Fatal(err)
	}
	saved := demo.Model
	demo.Model = b
	t.Cleanup(func() { demo.Model = saved })
}

func TestFirstStartAddsTheDemoModel(t *testing.T) {
	withDemoModel(t)
	cfg := testConfig(t)
	cfg.DemoModel = true
	m, logs := startMain(t, cfg)
	path := filepath.Join(cfg.Data, modelsFolder, demo.ModelFile)
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, demo.Model) {
		t.Fatalf("the workspace's demo model: %d bytes, %v; want the embedded %d bytes\n%s", len(b), err, len(demo.Model), logs)
	}
	// The catalog the Compare page and the serving APIs read lists it.
	deadline := time.Now().Add(30 * time.Second)
	for !slices.ContainsFunc(m.Serving.Catalog.List(), func(e llm.Entry) bool { return e.Name == demo.ModelName+":latest" }) {
		if time.Now().After(deadline) {
			t.Fatalf("catalog %v lacks %s", m.Serving.Catalog.List(), demo.ModelName)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A deleted demo model stays deleted on the next start.
	m.Close()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	startMain(t, cfg)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("restart put the deleted demo model back: %v", err)
	}
}

func TestDemoModelSettingOff(t *testing.T) {
	withDemoModel(t)
	cfg := testConfig(t) // DemoModel off
	startMain(t, cfg)
	if _, err := os.Stat(filepath.Join(cfg.Data, modelsFolder, demo.ModelFile)); !os.IsNotExist(err) {
		t.Errorf("with the demo model off, the workspace has one: %v", err)
	}
	if _, ok, err := defaultBase(context.Background(), cfg); ok || err != nil {
		t.Errorf("defaultBase with the demo model off: ok %v, err %v", ok, err)
	}
}

func TestBuildWithoutDemoModel(t *testing.T) {
	saved := demo.Model
	demo.Model = nil
	t.Cleanup(func() { demo.Model = saved })
	cfg := testConfig(t)
	cfg.DemoModel = true
	m, _ := startMain(t, cfg)
	if _, err := os.Stat(filepath.Join(cfg.Data, modelsFolder, demo.ModelFile)); !os.IsNotExist(err) {
		t.Errorf("a build without a demo model wrote one: %v", err)
	}
	m.Close()
	// A later build that has one still gives it to this workspace.
	withDemoModel(t)
	startMain(t, cfg)
	if _, err := os.Stat(filepath.Join(cfg.Data, modelsFolder, demo.ModelFile)); err != nil {
		t.Errorf("the first build with a demo model did not add it: %v", err)
	}
}
