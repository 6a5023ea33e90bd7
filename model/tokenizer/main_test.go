package tokenizer

import (
	"testing"

	"tutor/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func storiesPath(tb testing.TB) string { return testenv.Stories260K(tb) }
