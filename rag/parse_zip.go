package rag

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"

	"tutor"
)

// openZip opens data as a zip archive with the archive limits checked against the central
// directory: member count, declared sizes and compression ratios. Members are read through
// [readMember], which enforces the same limits on the bytes actually inflated.
func openZip(name string, data []byte, lim Limits) (*zip.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "%q is not a valid zip archive", name)
	}
	if len(zr.File) > lim.MaxArchiveFiles {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "%q holds %d files; the limit is %d", name, len(zr.File), lim.MaxArchiveFiles)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if err := checkMember(name, f, lim); err != nil {
			return nil, err
		}
	}
	if total > uint64(lim.MaxArchiveBytes) {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "%q unpacks to %s; the limit is %s", name, humanBytes(int64(min(total, 1<<62))), humanBytes(lim.MaxArchiveBytes))
	}
	return zr, nil
}

func checkMember(archive string, f *zip.File, lim Limits) error {
	if f.UncompressedSize64 > uint64(lim.MaxFileBytes) {
		return tutor.Errorf(tutor.ETOOLARGE, "%q in %q unpacks to %s; the limit is %s", f.Name, archive,
			humanBytes(int64(min(f.UncompressedSize64, 1<<62))), humanBytes(lim.MaxFileBytes))
	}
	if f.UncompressedSize64 > 1<<20 && float64(f.UncompressedSize64) > lim.MaxRatio*float64(max(f.CompressedSize64, 1)) {
		return tutor.Errorf(tutor.ETOOLARGE, "%q in %q is compressed %.0f times, more than the limit of %.0f: a zip bomb?",
			f.Name, archive, float64(f.UncompressedSize64)/float64(max(f.CompressedSize64, 1)), lim.MaxRatio)
	}
	return nil
}

// readMember inflates f, never more than its declared size, the file limit or MaxRatio times
// its compressed size allow, whatever the header claims.
func readMember(archive string, f *zip.File, lim Limits) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "%q in %q cannot be read", f.Name, archive)
	}
	defer rc.Close()
	limit := min(int64(min(f.UncompressedSize64, 1<<62)), lim.MaxFileBytes)
	if r := int64(lim.MaxRatio * float64(max(f.CompressedSize64, 1))); r < limit && limit > 1<<20 {
		limit = max(r, 1<<20)
	}
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EINVALID, "%q in %q is corrupt", f.Name, archive)
	}
	if int64(len(b)) > limit {
		return nil, tutor.Errorf(tutor.ETOOLARGE, "%q in %q inflates past its declared size or the limits", f.Name, archive)
	}
	return b, nil
}

// parseZip parses every supported member of a zip archive. A member with an unsafe name, a
// nested archive or a member over the limits fails the whole archive, so nothing of a hostile
// archive is stored; members of unsupported types and empty ones are reported the same way.
func parseZip(name string, data []byte, lim Limits) ([]Parsed, error) {
	zr, err := openZip(name, data, lim)
	if err != nil {
		return nil, err
	}
	var out []Parsed
	var total int64
	for _, f := range zr.File {
		if err := checkName(f.Name); err != nil {
			return nil, tutor.Errorf(tutor.EINVALID, "archive %q: %s", name, err.(*tutor.Error).Message)
		}
		if f.FileInfo().IsDir() || skippedMember(f.Name) {
			continue
		}
		format, err := FormatOf(f.Name)
		if err != nil {
			return nil, tutor.Errorf(tutor.EUNSUPPORTED, "archive %q: %s", name, err.(*tutor.Error).Message)
		}
		if format == "zip" {
			return nil, tutor.Errorf(tutor.EUNSUPPORTED, "archive %q: nested archive %q is not supported", name, f.Name)
		}
		b, err := readMember(name, f, lim)
		if err != nil {
			return nil, err
		}
		if total += int64(len(b)); total > lim.MaxArchiveBytes {
			return nil, tutor.Errorf(tutor.ETOOLARGE, "%q unpacks to more than %s", name, humanBytes(lim.MaxArchiveBytes))
		}
		p, err := parseOne(f.Name, format, b, lim)
		if err != nil {
			var te *tutor.Error
			if errors.As(err, &te) {
				return nil, tutor.Wrap(err, te.Code, "archive %q: %s", name, te.Message)
			}
			return nil, err
		}
		p.Source = name
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, tutor.Errorf(tutor.EINVALID, "archive %q holds no documents", name)
	}
	return out, nil
}

// skippedMember reports archive bookkeeping: macOS resource forks and hidden files.
func skippedMember(name string) bool {
	if strings.HasPrefix(name, "__MACOSX/") {
		return true
	}
	return strings.HasPrefix(path.Base(name), ".")
}
