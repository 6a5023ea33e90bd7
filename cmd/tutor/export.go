package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ollama/ollama/api"
	"net/http"
	"net/url"

	"tutor"
	"tutor/finetune"
	"tutor/store"
)

func exportCommand() command {
	return command{Name: "export", Summary: "write a trained adapter as GGUF or PEFT, or publish it to Ollama", Run: exportRun}
}

// exportRun handles `tutor export [-format gguf|peft] [-o PATH] NAME` and
// `tutor export -publish MODEL -from BASE NAME` (to the Ollama server of -ollama).
func exportRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("export")
	format := fs.String("format", "gguf", "gguf (Ollama, llama.cpp) or peft (Hugging Face)")
	out := fs.String("o", "", "where to write: a file for gguf, a folder for peft (default: NAME.gguf or NAME-peft)")
	publish := fs.String("publish", "", "create this model on the Ollama server (-ollama) from -from plus the adapter")
	from := fs.String("from", "", "with -publish: the Ollama model the adapter was trained on")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor export [flags] ADAPTER")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return tutor.Errorf(tutor.EINVALID, "name one adapter (tutor export NAME)")
	}
	s, err := store.Open(ctx, env.Config.Data)
	if err != nil {
		return err
	}
	a, err := finetune.Adapter(s, fs.Arg(0))
	s.Close()
	if err != nil {
		return err
	}
	if *publish != "" {
		if env.Config.OllamaURL == "" {
			return tutor.Errorf(tutor.EINVALID, "-publish needs an Ollama server: set -ollama or TUTOR_OLLAMA_URL")
		}
		u, err := url.Parse(env.Config.OllamaURL)
		if err != nil {
			return tutor.Errorf(tutor.EINVALID, "Ollama URL %q: %v", env.Config.OllamaURL, err)
		}
		if *from == "" {
			*from = a.BaseName
		}
		err = finetune.Publish(ctx, api.NewClient(u, http.DefaultClient), *publish, *from, a.GGUF, func(st string) { fmt.Fprintln(env.Stdout, st) })
		if err == nil {
			fmt.Fprintf(env.Stdout, "published %s (%s + adapter %s)\n", *publish, *from, a.Name)
		}
		return err
	}
	switch *format {
	case "gguf":
		if *out == "" {
			*out = a.Name + ".gguf"
		}
		err = copyFile(*out, a.GGUF)
	case "peft":
		if *out == "" {
			*out = a.Name + "-peft"
		}
		if err = os.MkdirAll(*out, 0o755); err == nil {
			for _, f := range []string{"adapter_config.json", "adapter_model.safetensors"} {
				if err = copyFile(filepath.Join(*out, f), filepath.Join(a.PEFT, f)); err != nil {
					break
				}
			}
		}
	default:
		return tutor.Errorf(tutor.EINVALID, "-format %q: want gguf or peft", *format)
	}
	if err == nil {
		fmt.Fprintf(env.Stdout, "wrote %s\n", *out)
	}
	return err
}

// copyFile copies src to dst through a temporary file.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return tutor.Wrap(err, tutor.ENOTFOUND, "open %s", src)
	}
	defer in.Close()
	return store.WriteAtomic(dst, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
