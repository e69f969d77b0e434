/* published.c: the comparison table (see published.h). */
#include "published.h"

#define AI_LAB "Jetson AI Lab benchmarks (docs/references.md sec. 3)"
#define TRT "NVIDIA TensorRT-LLM README4Jetson v0.12.0 (docs/references.md sec. 3)"
#define BLOG "third-party blog (docs/references.md sec. 3)"
#define EDGE_LLM                                                                                   \
  "NVIDIA TensorRT Edge-LLM 0.4.0 benchmarks, Jetson Thor (docs/references.md sec. 8)"
#define PAPER "Jang & Morabito 2025, Table I (docs/references.md sec. 1)"

const pub_row pub_rows[] = {
    {PUB_DECODE, "orin_nano", 0, "Orin Nano 8GB", "qwen2.5-7b", "Qwen2.5 7B, MLC INT4", 0, 14.2,
     AI_LAB},
    {PUB_DECODE, "orin_nano", 102, "Orin Nano Super", "qwen2.5-7b", "Qwen2.5 7B, MLC INT4", 0,
     21.75, AI_LAB},
    {PUB_DECODE, "orin_nano", 0, "Orin Nano 8GB", "qwen2.5-7b", "Llama 3.1 8B, MLC INT4", 0, 14.0,
     AI_LAB},
    {PUB_DECODE, "orin_nano", 102, "Orin Nano Super", "qwen2.5-7b", "Llama 3.1 8B, MLC INT4", 0,
     19.14, AI_LAB},
    {PUB_DECODE, "orin_nano", 0, "Orin Nano 8GB", "qwen2.5-3b", "Llama 3.2 3B, MLC INT4", 0, 27.7,
     AI_LAB},
    {PUB_DECODE, "orin_nano", 102, "Orin Nano Super", "qwen2.5-3b", "Llama 3.2 3B, MLC INT4", 0,
     43.07, AI_LAB},
    {PUB_DECODE, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Llama-3-8B, TRT-LLM INT4 AWQ", 0,
     35.9, TRT},
    {PUB_DECODE, "orin_nano", 102, "Orin Nano Super 25W", "qwen2.5-0.5b", "Qwen2.5 0.5B, Ollama", 0,
     50, BLOG},
    {PUB_DECODE, "orin_nano", 102, "Orin Nano Super 25W", "qwen2.5-1.5b",
     "Qwen2.5-coder 1.5B, Ollama", 0, 34, BLOG},
    {PUB_DECODE, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Llama-3-8B, TRT-LLM, 512 in", 512,
     35.2, TRT},
    {PUB_DECODE, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Llama-3-8B, TRT-LLM, 1024 in", 1024,
     34.7, TRT},
    {PUB_DECODE, "orin_nano", 102, "Orin Nano Super 25W", "qwen2.5-3b", "Llama 3.2 3B, Ollama", 0,
     30, BLOG},
    {PUB_BATCH8, "orin_agx", 0, "Thor (proxy)", "qwen2.5-7b", "Llama-3.1-8B, TRT Edge-LLM", 0, 2.66,
     EDGE_LLM},
    {PUB_BATCH8, "orin_agx", 0, "Thor (proxy)", "qwen2.5-3b", "Qwen3-4B, TRT Edge-LLM", 0, 3.15,
     EDGE_LLM},
    {PUB_BATCH8, "orin_agx", 0, "Thor (proxy)", "qwen2.5-0.5b", "Qwen3-0.6B, TRT Edge-LLM", 0, 3.06,
     EDGE_LLM},
    {PUB_BATCH8, "orin_agx", 0, "Thor (proxy)", "qwen2.5-7b", "Qwen3-8B, vLLM BF16, conc. 8", 0,
     5.25, "third-party blog (docs/references.md sec. 8): 82.5 / 15.7 tok/s"},
    {PUB_TTFT, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Qwen2.5-7B (paper)", 48, 0.28, PAPER},
    {PUB_TTFT, "orin_nano", 0, "Orin Nano 8GB", "qwen2.5-3b", "Qwen2.5-3B (paper)", 48, 0.33,
     PAPER},
    {PUB_TTFT, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Llama-3-8B, TRT-LLM", 128, 0.091,
     TRT},
    {PUB_TTFT, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Llama-3-8B, TRT-LLM", 512, 0.260,
     TRT},
    {PUB_TTFT, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Llama-3-8B, TRT-LLM", 1024, 0.582,
     TRT},
    {PUB_ENERGY, "orin_agx", 0, "AGX Orin 64GB", "qwen2.5-7b", "Qwen2.5-7B (paper)", 48, 0.1646,
     PAPER},
    {PUB_ENERGY, "orin_nano", 0, "Orin Nano 8GB", "qwen2.5-3b", "Qwen2.5-3B (paper)", 48, 0.0687,
     PAPER},
};
const int pub_nrows = (int)(sizeof pub_rows / sizeof pub_rows[0]);
