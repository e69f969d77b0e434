/* published.c: the comparison table (see published.h). */
#include "published.h"

#define AI_LAB "Jetson AI Lab benchmarks (docs/references.md sec. 3)"
#define TRT "NVIDIA TensorRT-LLM README4Jetson v0.12.0 (docs/references.md sec. 3)"
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
     50, "third-party blog (docs/references.md sec. 3)"},
    {PUB_DECODE, "orin_nano", 102, "Orin Nano Super 25W", "qwen2.5-1.5b",
     "Qwen2.5-coder 1.5B, Ollama", 0, 34, "third-party blog (docs/references.md sec. 3)"},
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
