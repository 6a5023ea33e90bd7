package handlers

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"tutor"
	"tutor/finetune"
	"tutor/web/train"
)

// trainStart stores the uploaded dataset (field "dataset") in the workspace and queues a
// training job with the form's settings; every setting is checked before anything is stored.
func (h *Handler) trainStart(c echo.Context) error {
	cfg, val, err := trainConfigFromForm(c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.FormValue("name"))
	if err := finetune.CheckAdapterName(name); err != nil {
		return err
	}
	if _, err := finetune.Adapter(h.Store, name); err == nil {
		return tutor.Errorf(tutor.ECONFLICT, "an adapter called %s exists already; choose another name", name)
	}
	base, err := h.trainBase(c.FormValue("base"))
	if err != nil {
		return err
	}
	fname, data, err := formFile(c, "dataset")
	if err != nil {
		return err
	}
	path, _, err := finetune.StoreDataset(h.Store, fname, bytes.NewReader(data))
	if err != nil {
		return err
	}
	return h.submitTrain(c, base, finetune.JobParams{Dataset: path, Name: name, ValFraction: val, Config: cfg})
}

// trainBase is the model file named by a form's "base" field, in the workspace's models folder.
func (h *Handler) trainBase(field string) (string, error) {
	base := filepath.Base(strings.TrimSpace(field))
	path := filepath.Join(h.Store.Path("models"), base)
	if _, err := os.Stat(path); base == "." || err != nil {
		return "", tutor.Errorf(tutor.EINVALID, "field \"base\": no model %q in the workspace's models folder", field)
	}
	return path, nil
}

// submitTrain queues a training run of p on the base model file and answers with the run's
// page (a redirect, or its id and URL as JSON).
func (h *Handler) submitTrain(c echo.Context, base string, p finetune.JobParams) error {
	p.Base, p.BaseName = base, strings.TrimSuffix(filepath.Base(base), filepath.Ext(base))
	j, err := h.Jobs.Submit(ctx(c), finetune.JobKind, "Train "+p.Name, p, callerName(c))
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusCreated, map[string]any{"job": j.ID, "url": train.RunURL(j.ID)})
	}
	return redirect(c, train.RunURL(j.ID))
}

// trainPreview parses an uploaded dataset and shows its first records, or what is wrong.
func (h *Handler) trainPreview(c echo.Context) error {
	fname, data, err := formFile(c, "dataset")
	if err == nil {
		var recs []finetune.Record
		if recs, err = finetune.ParseDataset(bytes.NewReader(data), fname, 0); err == nil {
			if len(recs) == 0 {
				err = tutor.Errorf(tutor.EINVALID, "%s: the dataset is empty", fname)
			} else {
				return render(c, http.StatusOK, train.PreviewPart(previewOf(fname, recs)))
			}
		}
	}
	return render(c, http.StatusOK, train.PreviewError(tutor.ErrorMessage(err)))
}

func previewOf(name string, recs []finetune.Record) train.Preview {
	p := train.Preview{File: name, Records: len(recs)}
	for _, r := range recs[:min(5, len(recs))] {
		s := train.Sample{Source: r.Source, Answer: r.Text}
		if len(r.Messages) > 0 {
			var prompt []string
			for _, m := range r.Messages[:len(r.Messages)-1] {
				prompt = append(prompt, m.Role+": "+m.Content)
			}
			s.Prompt, s.Answer = strings.Join(prompt, " · "), r.Messages[len(r.Messages)-1].Content
		}
		p.Samples = append(p.Samples, s)
	}
	return p
}

// formFile reads one uploaded file of the multipart form.
func formFile(c echo.Context, field string) (string, []byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return "", nil, tutor.Errorf(tutor.EINVALID, "field %q: choose a dataset file", field)
	}
	if fh.Size > finetune.MaxDatasetBytes {
		return "", nil, tutor.Errorf(tutor.ETOOLARGE, "%s is larger than %d MiB", fh.Filename, finetune.MaxDatasetBytes>>20)
	}
	data, err := readFormFile(fh)
	return filepath.Base(fh.Filename), data, err
}

func readFormFile(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "read %s", fh.Filename)
	}
	defer f.Close()
	return io.ReadAll(f)
}

// trainConfigFromForm reads the training settings; a missing field keeps its default.
func trainConfigFromForm(c echo.Context) (finetune.TrainConfig, float64, error) {
	cfg := finetune.DefaultTrainConfig()
	val := 0.1
	var err error
	num := func(field string, set func(string) error) {
		v := strings.TrimSpace(c.FormValue(field))
		if err != nil || v == "" {
			return
		}
		if e := set(v); e != nil {
			err = tutor.Errorf(tutor.EINVALID, "field %q: %q is not a valid number", field, v)
		}
	}
	intp := func(dst *int) func(string) error {
		return func(v string) (e error) { *dst, e = strconv.Atoi(v); return }
	}
	floatp := func(dst *float64) func(string) error {
		return func(v string) (e error) { *dst, e = strconv.ParseFloat(v, 64); return }
	}
	f32p := func(dst *float32) func(string) error {
		return func(v string) error {
			f, e := strconv.ParseFloat(v, 32)
			*dst = float32(f)
			return e
		}
	}
	num("rank", intp(&cfg.LoRA.Rank))
	num("alpha", f32p(&cfg.LoRA.Alpha))
	num("dropout", f32p(&cfg.LoRA.Dropout))
	num("epochs", intp(&cfg.Epochs))
	num("max_steps", intp(&cfg.MaxSteps))
	num("learning_rate", floatp(&cfg.LearningRate))
	num("warmup_steps", intp(&cfg.WarmupSteps))
	num("batch_size", intp(&cfg.BatchSize))
	num("max_seq_len", intp(&cfg.MaxSeqLen))
	num("weight_decay", floatp(&cfg.WeightDecay))
	num("clip_norm", floatp(&cfg.ClipNorm))
	num("seed", func(v string) (e error) { cfg.Seed, e = strconv.ParseUint(v, 10, 64); return })
	num("eval_every", intp(&cfg.EvalEvery))
	num("patience", intp(&cfg.Patience))
	num("checkpoint_every", intp(&cfg.CheckpointEvery))
	num("val_fraction", floatp(&val))
	if err != nil {
		return cfg, 0, err
	}
	if t := strings.TrimSpace(c.FormValue("targets")); t != "" {
		cfg.LoRA.Targets = nil
		for _, name := range strings.Split(t, ",") {
			if name = strings.TrimSpace(name); name == "" {
				continue
			}
			tg, err := finetune.ParseTarget(name)
			if err != nil {
				return cfg, 0, err
			}
			cfg.LoRA.Targets = append(cfg.LoRA.Targets, tg)
		}
	}
	if val < 0 || val >= 1 {
		return cfg, 0, tutor.Errorf(tutor.EINVALID, "field %q: %g must be at least 0 and below 1", "val_fraction", val)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, 0, err
	}
	return cfg, val, nil
}
