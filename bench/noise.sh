#!/usr/bin/env bash
# Benchmark: false alarms of the anomaly detector on stationary series with no anomaly (issue 17): Gaussian, Laplace,
# a mean-reverting random walk and a daily/weekly seasonal shape with noise, SERIES x SAMPLES each (default 100 x
# 100,000, seeds fixed), with a plain EWMA z-score (|z| >= 4) on the same samples for comparison.
#
# Target: at most 1 alarm per 1,000,000 samples for every kind.
# Usage: bench/noise.sh     (SERIES=100 SAMPLES=100000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
echo "== building (release)" >&2
swift build -c release --product DetectorNoiseBench >&2
"$(swift build -c release --show-bin-path)/DetectorNoiseBench" "${SERIES:-100}" "${SAMPLES:-100000}"
echo "target: at most 1 alarm per 1,000,000 samples (per_1M <= 1) for every kind"
