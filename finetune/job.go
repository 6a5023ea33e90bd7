package finetune

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tutor"
	"tutor/internal/jobs"
	"tutor/store"
)

// JobKind is the kind of training jobs.
const JobKind = "train"

// JobParams ask a job to train an adapter.
type JobParams struct {
	Base        string      `json:"base"`         // model file (GGUF) or safetensors folder
	BaseName    string      `json:"base_name"`    // the base's name for serving and Ollama (default: the file name)
	Dataset     string      `json:"dataset"`      // dataset file (.jsonl, .csv, .txt), kept in the workspace
	Name        string      `json:"name"`         // the adapter's name; must be new
	ValFraction float64     `json:"val_fraction"` // share of records held out for validation
	Config      TrainConfig `json:"config"`
}

// AdapterInfo describes a trained adapter in the workspace: adapters/<name>/ holds
// adapter.json, <name>.gguf and peft/.
type AdapterInfo struct {
	Name        string      `json:"name"`
	Base        string      `json:"base"`
	BaseName    string      `json:"base_name"`
	Arch        string      `json:"arch"`
	JobID       int64       `json:"job_id"`
	Created     time.Time   `json:"created"`
	Config      TrainConfig `json:"config"`
	Stats       Stats       `json:"stats"`
	Steps       int         `json:"steps"`
	Stopped     string      `json:"stopped"`
	TrainLoss   float64     `json:"train_loss"`
	BestValLoss float64     `json:"best_val_loss,omitempty"`
	GGUF        string      `json:"gguf"` // adapter.gguf, for Ollama, llama.cpp and the built-in engine
	PEFT        string      `json:"peft"` // folder with adapter_config.json and adapter_model.safetensors
}

var adapterName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckAdapterName reports a name that cannot name an adapter folder and model.
func CheckAdapterName(name string) error {
	if !adapterName.MatchString(name) {
		return tutor.Errorf(tutor.EINVALID, "adapter name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// AdapterDir is where the adapter called name lives in a workspace.
func AdapterDir(s *store.Store, name string) string { return s.Path("adapters", name) }

// RunDir is where training job id keeps its checkpoints and loss curve.
func RunDir(s *store.Store, id int64) string { return s.Path("train", strconv.FormatInt(id, 10)) }

// Adapters lists the workspace's trained adapters, newest first.
func Adapters(s *store.Store) ([]AdapterInfo, error) {
	paths, _ := filepath.Glob(filepath.Join(s.Path("adapters"), "*", "adapter.json"))
	var out []AdapterInfo
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var a AdapterInfo
		if json.Unmarshal(b, &a) == nil {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// Adapter reads one adapter's description.
func Adapter(s *store.Store, name string) (AdapterInfo, error) {
	var a AdapterInfo
	if err := CheckAdapterName(name); err != nil {
		return a, err
	}
	b, err := os.ReadFile(filepath.Join(AdapterDir(s, name), "adapter.json"))
	if err != nil {
		return a, tutor.Errorf(tutor.ENOTFOUND, "no adapter called %s", name)
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return a, tutor.Wrap(err, tutor.EINTERNAL, "adapter %s: adapter.json", name)
	}
	return a, nil
}

// StoreDataset copies a dataset into the workspace (datasets/<time>-<name>) so a queued or
// resumed job never depends on the original file, after checking that it parses.
func StoreDataset(s *store.Store, name string, r io.Reader) (string, []Record, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDatasetBytes+1))
	if err != nil {
		return "", nil, tutor.Wrap(err, tutor.EINVALID, "read dataset")
	}
	if len(b) > MaxDatasetBytes {
		return "", nil, tutor.Errorf(tutor.ETOOLARGE, "the dataset is larger than %d MiB", MaxDatasetBytes>>20)
	}
	base := filepath.Base(name)
	recs, err := ParseDataset(strings.NewReader(string(b)), base, 0)
	if err != nil {
		return "", nil, err
	}
	if len(recs) == 0 {
		return "", nil, tutor.Errorf(tutor.EINVALID, "%s: the dataset is empty", base)
	}
	clean := regexp.MustCompile(`[^A-Za-z0-9._-]`).ReplaceAllString(base, "_")
	path := s.Path("datasets", fmt.Sprintf("%d-%s", time.Now().UnixNano(), clean))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", nil, tutor.Wrap(err, tutor.EINTERNAL, "datasets folder")
	}
	return path, recs, store.WriteFile(path, b, 0o644)
}

// Job returns the handler of training jobs over the workspace s. A job interrupted by a crash
// resumes from its last checkpoint; cancellation keeps the checkpoints; a finished job stores
// the adapter as GGUF and PEFT under adapters/<name>.
func Job(s *store.Store) jobs.Handler {
	return jobs.Handler{Resumable: true, Concurrency: 1, Run: func(ctx context.Context, job *store.Job, progress func(jobs.Progress) error) error {
		return runJob(ctx, s, job, progress)
	}}
}

func runJob(ctx context.Context, s *store.Store, job *store.Job, progress func(jobs.Progress) error) error {
	var p JobParams
	if err := json.Unmarshal(job.Params, &p); err != nil {
		return tutor.Wrap(err, tutor.EINVALID, "training job parameters")
	}
	if err := CheckAdapterName(p.Name); err != nil {
		return err
	}
	if err := p.Config.Validate(); err != nil {
		return err
	}
	if p.Config.Full {
		return tutor.Errorf(tutor.EUNSUPPORTED, "training jobs train LoRA adapters; full-parameter training is for building small models")
	}
	if _, err := os.Stat(filepath.Join(AdapterDir(s, p.Name), "adapter.json")); err == nil {
		return tutor.Errorf(tutor.ECONFLICT, "an adapter called %s exists already; choose another name", p.Name)
	}
	say := func(line string) error {
		return progress(jobs.Progress{Step: int64(job.Step), Total: int64(job.Total), Message: line, Log: line})
	}
	say("loading " + filepath.Base(p.Base))
	w, m, err := LoadBase(p.Base)
	if err != nil {
		return err
	}
	f, err := os.Open(p.Dataset)
	if err != nil {
		return tutor.Wrap(err, tutor.ENOTFOUND, "dataset %s", filepath.Base(p.Dataset))
	}
	recs, err := ParseDataset(f, filepath.Base(p.Dataset), 0)
	f.Close()
	if err != nil {
		return err
	}
	trainRecs, valRecs := Split(recs, p.ValFraction, p.Config.Seed)
	fm := NewFormatter(m, p.Config.MaxSeqLen)
	train, st, err := fm.Build(trainRecs)
	if err != nil {
		return err
	}
	val, vst, err := fm.Build(valRecs)
	if err != nil {
		return err
	}
	st.Truncated, st.Skipped = append(st.Truncated, vst.Truncated...), append(st.Skipped, vst.Skipped...)
	say(fmt.Sprintf("%d training and %d validation examples, %d tokens (%d learned), longest %d", len(train), len(val), st.Tokens+vst.Tokens, st.LearnedTokens+vst.LearnedTokens, max(st.MaxLen, vst.MaxLen)))
	for i, line := range append(slices.Clone(st.Truncated), st.Skipped...) {
		if i == 20 {
			say(fmt.Sprintf("… and %d more cut or skipped", len(st.Truncated)+len(st.Skipped)-20))
			break
		}
		say(line)
	}
	dir := RunDir(s, job.ID)
	tr, err := NewTrainer(w, train, val, p.Config, dir)
	if err != nil {
		return err
	}
	curve, err := openCurve(filepath.Join(dir, "progress.jsonl"))
	if err != nil {
		return err
	}
	defer curve.Close()
	res, err := tr.Train(ctx, func(pr Progress) error {
		curve.add(pr)
		msg := fmt.Sprintf("loss %.4f", pr.TrainLoss)
		if pr.ValLoss > 0 {
			msg += fmt.Sprintf(" · validation %.4f", pr.ValLoss)
		}
		msg += fmt.Sprintf(" · %.0f tokens/s · ETA %s", pr.TokensPerSec, pr.ETA.Round(time.Second))
		jp := jobs.Progress{Step: int64(pr.Step), Total: int64(pr.Steps), Message: msg}
		if pr.ValLoss > 0 || pr.Message != "" {
			jp.Log = fmt.Sprintf("step %d: %s", pr.Step, msg)
			if pr.Message != "" {
				jp.Log += "; " + pr.Message
			}
		}
		return progress(jp)
	})
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return err
	}
	if res.Resumed > 0 {
		say(fmt.Sprintf("resumed from step %d", res.Resumed))
	}
	info := AdapterInfo{Name: p.Name, Base: p.Base, BaseName: p.BaseName, Arch: w.Arch, JobID: job.ID, Created: time.Now().UTC(),
		Config: p.Config, Stats: st, Steps: res.Steps, Stopped: res.Stopped, TrainLoss: res.TrainLoss, BestValLoss: res.BestValLoss}
	if info.BaseName == "" {
		info.BaseName = strings.TrimSuffix(filepath.Base(p.Base), filepath.Ext(p.Base))
	}
	if err := saveAdapter(s, tr, w, &info); err != nil {
		return err
	}
	out, _ := json.Marshal(info)
	line := fmt.Sprintf("adapter %s saved (%s after %d steps)", p.Name, res.Stopped, res.Steps)
	return progress(jobs.Progress{Step: int64(res.Steps), Total: int64(tr.Steps()), Message: line, Log: line, Result: out})
}

// saveAdapter writes the adapter as GGUF (<name>.gguf, the name the serving catalog lists it
// by) and PEFT into a temporary folder of the run, renamed into adapters/<name>, so an adapter
// appears whole or not at all and never replaces another.
func saveAdapter(s *store.Store, tr *Trainer, w *Weights, info *AdapterInfo) error {
	dst := AdapterDir(s, info.Name)
	tmp := filepath.Join(RunDir(s, info.JobID), "adapter.tmp")
	os.RemoveAll(tmp)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "adapters folder")
	}
	if err := ExportGGUF(filepath.Join(tmp, info.Name+".gguf"), tr.LoRA, w.Arch); err != nil {
		return err
	}
	if err := ExportPEFT(filepath.Join(tmp, "peft"), tr.LoRA, w, info.BaseName); err != nil {
		return err
	}
	info.GGUF, info.PEFT = filepath.Join(dst, info.Name+".gguf"), filepath.Join(dst, "peft")
	b, _ := json.MarshalIndent(info, "", "  ")
	if err := store.WriteFile(filepath.Join(tmp, "adapter.json"), b, 0o644); err != nil {
		return err
	}
	if _, err := os.Stat(dst); err == nil {
		os.RemoveAll(tmp)
		return tutor.Errorf(tutor.ECONFLICT, "an adapter called %s appeared meanwhile; the run's checkpoints are kept in %s", info.Name, RunDir(s, info.JobID))
	}
	if err := os.Rename(tmp, dst); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "store adapter %s", info.Name)
	}
	return nil
}

// curveFile is a run's loss curve, one Progress per line; a resumed run first drops the
// steps it will redo.
type curveFile struct {
	f       *os.File
	path    string
	last    int
	trimmed bool
}

func openCurve(path string) (*curveFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "run folder")
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "open %s", path)
	}
	return &curveFile{f: f, path: path}, nil
}

func (c *curveFile) add(p Progress) {
	if !c.trimmed {
		c.trimmed = true
		pts, _ := ReadCurve(c.path)
		keep := pts[:0]
		for _, q := range pts {
			if q.Step < p.Step {
				keep = append(keep, q)
			}
		}
		if len(keep) < len(pts) {
			c.f.Truncate(0)
			for _, q := range keep {
				c.write(q)
			}
		}
	}
	c.write(p)
}

func (c *curveFile) write(p Progress) {
	b, _ := json.Marshal(p)
	c.f.Write(append(b, '\n'))
}

func (c *curveFile) Close() error { return c.f.Close() }

// ReadCurve reads a run's loss curve; a torn last line is ignored.
func ReadCurve(path string) ([]Progress, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, tutor.Wrap(err, tutor.EINTERNAL, "open %s", path)
	}
	defer f.Close()
	var out []Progress
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var p Progress
		if json.Unmarshal(sc.Bytes(), &p) == nil {
			out = append(out, p)
		}
	}
	return out, nil
}
