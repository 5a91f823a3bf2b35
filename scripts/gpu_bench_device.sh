#!/usr/bin/env bash
# The GPU backend on a machine with a GPU: its conformance tests, then the whole pipeline
# (forward, marginals, VJP; f64) timed through `diffknap relax` against the CPU path on the
# same input, at batch 1024, n = 200, C = 1000 and at batch 1, n = 1000, C = 100000.
#
# Build here (x86-64 Linux, Rust), then carry the directory this script makes to the machine:
#   cargo build --release --features cbc,gpu --bins --tests
#   bash scripts/gpu_bench_device.sh pack DIR      # binary, test binary, generator, script
#   (on the machine)  bash DIR/gpu_bench_device.sh run DIR
# The machine needs a Vulkan loader (libvulkan.so.1) and its GPU's Vulkan driver; if the
# loader is missing, put libvulkan.so.1 (Debian package libvulkan1) in DIR/lib: it is
# added to LD_LIBRARY_PATH. Output: DIR/results.txt (commands, times, device, lscpu).
set -euo pipefail
mode="${1:-}"
dir="${2:-}"
if [ -z "$mode" ] || [ -z "$dir" ]; then
  echo "usage: $0 pack DIR | run DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
case "$mode" in
  pack)
    root="$here/.."
    mkdir -p "$dir/lib"
    cp "$root/target/release/diffknap" "$dir/"
    # The integration test binary with the GPU tests (the newest one built with `gpu`).
    tb="$(ls -t "$root"/target/release/deps/integration-* | grep -v '\.d$' | head -1)"
    cp "$tb" "$dir/integration"
    cp "$here/gpu_bench_input.py" "$here/gpu_bench_device.sh" "$dir/"
    for so in /usr/lib/x86_64-linux-gnu/libvulkan.so.1*; do
      [ -e "$so" ] && cp -L "$so" "$dir/lib/" || true
    done
    echo "packed into $dir"
    ;;
  run)
    cd "$dir"
    export LD_LIBRARY_PATH="$PWD/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    out="$PWD/results.txt"
    {
      echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
      nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not available"
      lscpu | grep -E "Model name|^CPU\(s\)" || true
      echo "== conformance (GPU tests of the integration suite)"
      # Built in-tree: the tests find no data files they need beyond the binary.
      ./integration backends::gpu gpu::shader --nocapture 2>&1 | grep -E "gpu conformance|shader exp|test result|FAILED|panicked" || true
      # SIZES: "batch,n,C" cases (default: the two of the issue).
      for size in ${SIZES:-1024,200,1000 1,1000,100000}; do
        IFS=, read -r bsz n cap <<< "$size"
        f="b${bsz}_${n}_${cap}"
        python3 gpu_bench_input.py "$bsz" "$n" "$cap" shannon > "$f.jsonl"
        echo "== $f: $((bsz * n * (cap + 1))) cells, shannon, whole pipeline"
        for rep in 1 2 3; do
          for be in gpu auto; do
            TIMEFORMAT="%R"
            t=$( { time ./diffknap relax --backend "$be" --chunk "$bsz" --input "$f.jsonl" > "$f.$be.out" 2> "$f.$be.err"; } 2>&1 )
            echo "$f $be rep $rep: $t s (whole process: JSON in and out included)"
          done
        done
        # Same answers (first value of each line, relative 1e-12).
        python3 - "$f.gpu.out" "$f.auto.out" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
worst = max(abs(x["value"] - y["value"]) / max(1.0, abs(y["value"])) for x, y in zip(a, b))
print(f"gpu vs auto: {len(a)} lines, largest relative value difference {worst:.2e}")
PY
      done
    } 2>&1 | tee "$out"
    ;;
  *)
    echo "usage: $0 pack DIR | run DIR" >&2
    exit 2
    ;;
esac
