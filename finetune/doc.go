// Package finetune builds training datasets from documents and trains LoRA adapters (and small
// full models) on spago autograd, then exports them as GGUF LoRA and PEFT.
package finetune
