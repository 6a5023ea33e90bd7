// Command tutor runs Tutor: the web app, and the CLI for training, evaluation and ingestion.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "tutor: not yet")
	os.Exit(1)
}
