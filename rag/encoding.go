package rag

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"tutor"
)

// decodeText returns data as UTF-8 and the name of the encoding it was in: UTF-8 (with or
// without a byte-order mark), UTF-16 with a byte-order mark, or GB18030 (which covers GBK and
// GB2312). Binary data and text in none of these is EINVALID.
func decodeText(name string, data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(name, data)
	}
	if utf8.Valid(data) {
		if looksBinary(string(data)) {
			return "", "", tutor.Errorf(tutor.EINVALID, "%q looks like a binary file, not text", name)
		}
		return string(data), "utf-8", nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.Count(out, []byte("\ufffd")) > 0 || looksBinary(string(out)) {
		return "", "", tutor.Errorf(tutor.EINVALID, "%q is neither UTF-8 nor GB18030/GBK text", name)
	}
	return string(out), "gb18030", nil
}

func decodeUTF16(name string, data []byte) (string, string, error) {
	if len(data)%2 != 0 {
		return "", "", tutor.Errorf(tutor.EINVALID, "%q: UTF-16 text with an odd number of bytes", name)
	}
	big := data[0] == 0xFE
	u := make([]uint16, 0, len(data)/2-1)
	for i := 2; i+1 < len(data); i += 2 {
		if big {
			u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
		} else {
			u = append(u, uint16(data[i+1])<<8|uint16(data[i]))
		}
	}
	s := string(utf16.Decode(u))
	if strings.ContainsRune(s, utf8.RuneError) || looksBinary(s) {
		return "", "", tutor.Errorf(tutor.EINVALID, "%q is not valid UTF-16 text", name)
	}
	enc := "utf-16le"
	if big {
		enc = "utf-16be"
	}
	return s, enc, nil
}

// looksBinary reports text with NUL bytes or more than 1% control characters.
func looksBinary(s string) bool {
	ctl, n := 0, 0
	for _, r := range s {
		n++
		if r == 0 {
			return true
		}
		if r < ' ' && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			ctl++
		}
	}
	return ctl*100 > n
}

func itoa(n int) string { return strconv.Itoa(n) }

func trimZero(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}
