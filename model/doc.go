// Package model runs Llama-family transformers: GGUF and safetensors weights, tokenizers,
// chat templates, the forward pass with KV cache, sampling, runtime LoRA and fast float32 kernels.
package model
