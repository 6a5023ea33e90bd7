package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"tutor/llm"
	"tutor/llm/builtin"
	"tutor/llm/ollama"
)

func modelsCommand() command {
	return command{Name: "models", Summary: "list the GGUF models in the workspace and the configured Ollama server's models", Run: modelsRun}
}

// modelsRun prints the workspace's GGUF files (models/ in the data folder) and, when an Ollama
// server is configured, its models, with architecture, size, quantization and context length.
func modelsRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("models")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor models [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	src := builtin.Sources{Dir: filepath.Join(env.Config.Data, "models")}
	if env.Config.OllamaURL != "" {
		b, err := ollama.New(env.Config.OllamaURL, nil)
		if err != nil {
			return err
		}
		src.Ollama = b
	}
	inv, err := builtin.Gather(ctx, src)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Workspace models (%s):\n", src.Dir)
	if len(inv.Files)+len(inv.Broken) == 0 {
		fmt.Fprintln(env.Stdout, "  none: put GGUF files there to run them with the built-in engine")
	} else {
		printModels(env.Stdout, inv.Files)
		for _, b := range inv.Broken {
			fmt.Fprintf(env.Stdout, "  unreadable %s: %v\n", b.Path, b.Err)
		}
	}
	switch {
	case src.Ollama == nil:
		fmt.Fprintln(env.Stdout, "\nOllama: not configured (set TUTOR_OLLAMA_URL or -ollama)")
	case inv.OllamaErr != nil:
		fmt.Fprintf(env.Stdout, "\nOllama (%s): %v\n", env.Config.OllamaURL, inv.OllamaErr)
	default:
		fmt.Fprintf(env.Stdout, "\nOllama (%s):\n", env.Config.OllamaURL)
		if len(inv.Ollama) == 0 {
			fmt.Fprintln(env.Stdout, "  none: pull or create a model in Ollama")
		}
		printModels(env.Stdout, inv.Ollama)
	}
	return nil
}

// printModels writes one table row per model.
func printModels(w io.Writer, ms []llm.ModelInfo) {
	if len(ms) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tARCH\tPARAMS\tQUANT\tCONTEXT\tSIZE")
	for _, m := range ms {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\n", m.Name, m.Architecture, llm.FormatCount(m.Parameters), m.Quantization, m.ContextLength, llm.FormatBytes(m.SizeBytes))
	}
	tw.Flush()
}
