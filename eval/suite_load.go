package eval

import (
	"io"
	"os"
	"path/filepath"

	"tutor"
	"tutor/demo"
)

// DemoSuite is the name that loads the demo company's suite.
const DemoSuite = "demo"

// LoadSuite reads the suite called name: [DemoSuite], or a YAML or JSONL file.
func LoadSuite(name string) (*Suite, error) {
	if name == DemoSuite {
		return ParseSuite("demo/suite.yaml", demo.Suite)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.ENOTFOUND, "suite %q: no such file", name)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSuiteBytes+1))
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EUNAVAILABLE, "read suite %q", name)
	}
	return ParseSuite(filepath.Base(name), data)
}
