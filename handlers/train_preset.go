package handlers

import (
	"path/filepath"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/demo/preset"
	"tutor/finetune"
)

// trainPreset is the one-click "train on the demo company" run: it stores preset.Dataset() as a
// dataset (once) and queues a run with the preset's settings (finetune.DemoPresetConfig) on the
// chosen base, or the first model in the workspace's models folder.
func (h *Handler) trainPreset(c echo.Context) error {
	field := c.FormValue("base")
	if field == "" {
		bases, _ := filepath.Glob(filepath.Join(h.Store.Path("models"), "*.gguf"))
		if len(bases) == 0 {
			return tutor.Errorf(tutor.EINVALID, "no base model in the workspace's models folder: add a GGUF model first")
		}
		field = filepath.Base(bases[0])
	}
	base, err := h.trainBase(field)
	if err != nil {
		return err
	}
	path, err := finetune.StorePresetDataset(h.Store, finetune.DemoPresetDataset, preset.Dataset())
	if err != nil {
		return err
	}
	name, err := finetune.FreeAdapterName(ctx(c), h.Store, finetune.DemoPresetName)
	if err != nil {
		return err
	}
	cfg, val := finetune.DemoPresetConfig()
	return h.submitTrain(c, base, finetune.JobParams{Dataset: path, Name: name, ValFraction: val, Config: cfg})
}
