#!/usr/bin/env bash
# Benchmark: the anomaly detector (`runbook detect`, release build) over every file of the NAB development split, scored
# with nabscore.py at the fixed production threshold 0.5 (never --optimize: the server pages at 0.5), for all three NAB
# profiles with the per-category breakdown, event recall and precision, detection latency and the false alarms on
# artificialNoAnomaly. Then the detector's cost: ns per sample (the detector alone, timed by `runbook detect --measure`,
# weighted by file length) and bytes per series (the largest footprint over the files: 5-minute data has the most
# seasonal buckets). For comparison, a plain EWMA z-score (|z| >= 4 pages, no warm-up or cool-down) is scored the same way.
#
# Then, in the same run, the false alarms on stationary noise (bench/noise.sh's DetectorNoiseBench, NOISE_SERIES
# series per kind, default 20; NOISE_SERIES=0 skips it): a change that helps one and hurts the other shows at once.
#
# Targets (issue 17): NAB standard >= 70 and low-FP >= 62 at threshold 0.5, no alarm on artificialNoAnomaly, at most
# 1 false alarm per 1,000,000 samples of noise, < 1 us per sample, <= 6 KB per series.
# Usage: bench/nab.sh    (NAB_DATA=... and NABSCORE=... to point elsewhere; BASELINE=0 skips the EWMA baseline;
#                         DETECT_ARGS="--sensitivity 1.5" passes options to runbook detect)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
data=${NAB_DATA:-../shared/data/nab-dev}
scorer=${NABSCORE:-../shared/tools/nabscore.py}
[ -d "$data/labels" ] || { echo "no NAB data at $data (set NAB_DATA)" >&2; exit 1; }
[ -f "$scorer" ] || { echo "no nabscore.py at $scorer (set NABSCORE)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== building (release)" >&2
swift build -c release --product runbook >&2
runbook="$(swift build -c release --show-bin-path)/runbook"

labels="$data/labels/combined_windows.json"
points=()
[ -f "$data/labels/combined_labels.json" ] && points=(--label-points "$data/labels/combined_labels.json")
profiles=()
[ -f "$data/config/profiles.json" ] && profiles=(--profiles "$data/config/profiles.json")

echo "== runbook detect ${DETECT_ARGS:-} over $data" >&2
for file in "$data"/*/*.csv; do
    category=$(basename "$(dirname "$file")")
    mkdir -p "$work/results/$category"
    # shellcheck disable=SC2086
    "$runbook" detect --input "$file" --output "$work/results/$category/$(basename "$file")" --measure ${DETECT_ARGS:-} \
        >> "$work/cost"
done

echo "== NAB score, threshold 0.5 (detector)"
python3 "$scorer" --data "$data" --labels "$labels" "${points[@]}" "${profiles[@]}" \
    --results "$work/results" --threshold 0.5 --profile all

echo
echo "== cost"
awk '{ n += $2; ns += $2 * $4; if ($6 > bytes) bytes = $6 }
     END { printf "detector: %d samples, %.0f ns/sample (weighted mean over files), %d bytes/series (largest)\n", n, ns / n, bytes }' \
    "$work/cost"

if [ "${BASELINE:-1}" != 0 ]; then
    echo
    echo "== NAB score, threshold 0.5 (baseline: EWMA z-score, alpha 0.01, |z| >= 4 pages, no warm-up or cool-down)"
    python3 - "$data" "$work/baseline" <<'PY'
import csv, os, sys
data, out = sys.argv[1], sys.argv[2]
for category in sorted(os.listdir(data)):
    folder = os.path.join(data, category)
    if category in ("labels", "config") or not os.path.isdir(folder):
        continue
    os.makedirs(os.path.join(out, category), exist_ok=True)
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".csv")):
        with open(os.path.join(folder, name), newline="") as fh:
            rows = list(csv.reader(fh))[1:]
        mean, var, n, lines = 0.0, 0.0, 0, ["timestamp,value,anomaly_score"]
        for stamp, value in ((r[0], r[1]) for r in rows if r):
            x = float(value)
            z = abs(x - mean) / var ** 0.5 if n > 1 and var > 0 else 0.0
            lines.append("%s,%s,%r" % (stamp, value, z / (z + 4)))
            n += 1
            a = max(0.01, 1.0 / n)
            diff = x - mean
            mean += a * diff
            var = (1 - a) * (var + a * diff * diff)
        with open(os.path.join(out, category, name), "w") as fh:
            fh.write("\n".join(lines) + "\n")
PY
    python3 "$scorer" --data "$data" --labels "$labels" "${points[@]}" "${profiles[@]}" \
        --results "$work/baseline" --threshold 0.5 --profile standard | grep -E "^(profile|group|ALL)"
fi

if [ "${NOISE_SERIES:-20}" != 0 ]; then
    echo
    echo "== false alarms on stationary noise (${NOISE_SERIES:-20} series x 100,000 samples per kind; bench/noise.sh for 100)"
    swift build -c release --product DetectorNoiseBench >&2
    "$(swift build -c release --show-bin-path)/DetectorNoiseBench" "${NOISE_SERIES:-20}" 100000
fi
