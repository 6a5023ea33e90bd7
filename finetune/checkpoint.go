package finetune

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"

	"tutor"
)

const checkpointMagic = "TUTORCKPT1\n"

// checkpointMeta is the JSON header of a checkpoint: where the run stands and what follows.
type checkpointMeta struct {
	Fingerprint string       `json:"fingerprint"` // the run's configuration; resume refuses another
	Step        int          `json:"step"`        // optimizer steps done
	Tokens      int64        `json:"tokens"`      // tokens trained on so far
	BestVal     float64      `json:"best_val"`    // best validation loss (+Inf when none)
	BadEvals    int          `json:"bad_evals"`   // evaluations since the best one
	History     []Point      `json:"history"`     // loss curve so far
	Params      []ckptTensor `json:"params"`
	HasMoments  bool         `json:"has_moments"` // optimizer moments follow each tensor
}

type ckptTensor struct {
	Name string `json:"name"`
	Size int    `json:"size"`
}

// Point is one step of the loss curve.
type Point struct {
	Step      int     `json:"step"`
	TrainLoss float64 `json:"train_loss"`
	ValLoss   float64 `json:"val_loss,omitempty"` // 0 when not evaluated at this step
	LR        float64 `json:"lr"`
}

// writeCheckpoint writes params (and their AdamW moments when withMoments) atomically: a
// temporary file in the same folder, synced, then renamed over path, so a crash at any moment
// leaves either the old or the new checkpoint whole.
func writeCheckpoint(path string, meta checkpointMeta, params []NamedParam, withMoments bool) error {
	meta.HasMoments = withMoments
	meta.Params = meta.Params[:0]
	for _, p := range params {
		meta.Params = append(meta.Params, ckptTensor{p.Name, len(values(p.Param))})
	}
	if math.IsInf(meta.BestVal, 0) {
		meta.BestVal = -1
	}
	hdr, err := json.Marshal(meta)
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "checkpoint header")
	}
	return writeAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		bw.WriteString(checkpointMagic)
		binary.Write(bw, binary.LittleEndian, uint32(len(hdr)))
		bw.Write(hdr)
		for _, p := range params {
			binary.Write(bw, binary.LittleEndian, values(p.Param))
			if withMoments {
				s := p.Param.State.(*adamState)
				binary.Write(bw, binary.LittleEndian, s.m)
				binary.Write(bw, binary.LittleEndian, s.v)
			}
		}
		return bw.Flush()
	})
}

// readCheckpoint loads a checkpoint into params (and optimizer moments when present).
func readCheckpoint(path string, params []NamedParam, opt *AdamW) (checkpointMeta, error) {
	var meta checkpointMeta
	f, err := os.Open(path)
	if err != nil {
		return meta, tutor.Wrap(err, tutor.ENOTFOUND, "open checkpoint")
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	magic := make([]byte, len(checkpointMagic))
	var n uint32
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != checkpointMagic {
		return meta, tutor.Errorf(tutor.EINVALID, "%s is not a Tutor checkpoint", path)
	}
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil || n > 64<<20 {
		return meta, tutor.Errorf(tutor.EINVALID, "%s: bad checkpoint header", path)
	}
	hdr := make([]byte, n)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return meta, tutor.Errorf(tutor.EINVALID, "%s: truncated checkpoint header", path)
	}
	if err := json.Unmarshal(hdr, &meta); err != nil {
		return meta, tutor.Errorf(tutor.EINVALID, "%s: checkpoint header: %v", path, err)
	}
	if meta.BestVal < 0 {
		meta.BestVal = math.Inf(1)
	}
	if len(meta.Params) != len(params) {
		return meta, tutor.Errorf(tutor.EINVALID, "%s: checkpoint has %d tensors, the run %d", path, len(meta.Params), len(params))
	}
	for i, p := range params {
		t := meta.Params[i]
		if t.Name != p.Name || t.Size != len(values(p.Param)) {
			return meta, tutor.Errorf(tutor.EINVALID, "%s: tensor %d is %s[%d], the run expects %s[%d]", path, i, t.Name, t.Size, p.Name, len(values(p.Param)))
		}
		if err := binary.Read(r, binary.LittleEndian, values(p.Param)); err != nil {
			return meta, tutor.Errorf(tutor.EINVALID, "%s: truncated tensor %s", path, t.Name)
		}
		switch {
		case meta.HasMoments && opt != nil:
			s := opt.state(p)
			if binary.Read(r, binary.LittleEndian, s.m) != nil || binary.Read(r, binary.LittleEndian, s.v) != nil {
				return meta, tutor.Errorf(tutor.EINVALID, "%s: truncated optimizer state of %s", path, t.Name)
			}
		case meta.HasMoments: // weights only: the optimizer state is skipped
			if n, err := r.Discard(8 * t.Size); n != 8*t.Size || err != nil {
				return meta, tutor.Errorf(tutor.EINVALID, "%s: truncated optimizer state of %s", path, t.Name)
			}
		}
	}
	if opt != nil {
		opt.Step = meta.Step
	}
	return meta, nil
}

// writeAtomic writes a file through a synced temporary file and a rename.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "create folder")
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "create temporary file")
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return tutor.Wrap(err, tutor.EINTERNAL, "sync")
	}
	if err := tmp.Close(); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "close")
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return tutor.Wrap(err, tutor.EINTERNAL, "rename to %s", path)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// peekFingerprint reads only a checkpoint's run fingerprint.
func peekFingerprint(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	magic := make([]byte, len(checkpointMagic))
	var n uint32
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != checkpointMagic {
		return "", tutor.Errorf(tutor.EINVALID, "not a checkpoint")
	}
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil || n > 64<<20 {
		return "", tutor.Errorf(tutor.EINVALID, "bad header")
	}
	hdr := make([]byte, n)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return "", err
	}
	var m struct {
		Fingerprint string `json:"fingerprint"`
	}
	if err := json.Unmarshal(hdr, &m); err != nil {
		return "", err
	}
	return m.Fingerprint, nil
}
