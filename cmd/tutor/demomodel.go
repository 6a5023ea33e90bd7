package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"tutor"
	"tutor/demo"
	"tutor/store"
)

// loadDemoModel puts the embedded demo base model into the workspace's models folder on its
// first start (unless Config.DemoModel is off), so the catalog, the Compare and Train pages and
// the CLI have a base model with no download; later starts, even after the file was deleted,
// do not put it back. A file of that name already there is kept. A build without a demo model
// leaves the workspace as it is, to be given one by the first build that has it.
func (m *Main) loadDemoModel(ctx context.Context) error {
	return installDemoModel(ctx, m.Store, m.Config, m.Log)
}

func installDemoModel(ctx context.Context, s *store.Store, cfg Config, log *slog.Logger) error {
	_, loaded, err := s.Setting(ctx, "demo_model_loaded")
	if err != nil || loaded || !cfg.DemoModel {
		return err
	}
	if len(demo.Model) == 0 {
		log.Debug("this build has no demo base model")
		return nil
	}
	path := s.Path(modelsFolder, demo.ModelFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return tutor.Wrap(err, tutor.EINTERNAL, "models folder")
		}
		if err := store.WriteFile(path, demo.Model, 0o644); err != nil {
			return tutor.Wrap(err, tutor.EINTERNAL, "write the demo model")
		}
		log.Info("added the demo base model", "path", path, "bytes", len(demo.Model))
	}
	return s.SetSetting(ctx, "demo_model_loaded", "1")
}

// defaultBase is the base model a CLI command uses when none is given: the workspace's demo
// model, put there by its first start. ok is false when the workspace has none.
func defaultBase(ctx context.Context, cfg Config) (path string, ok bool, err error) {
	s, err := store.Open(ctx, cfg.Data)
	if err != nil {
		return "", false, err
	}
	defer s.Close()
	if err := installDemoModel(ctx, s, cfg, slog.New(slog.DiscardHandler)); err != nil {
		return "", false, err
	}
	path = s.Path(modelsFolder, demo.ModelFile)
	_, err = os.Stat(path)
	return path, err == nil, nil
}
