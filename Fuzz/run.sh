#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets of Fuzz/ with the fuzzer and address sanitizers (in Fuzz/.build, never
# the main package's .build), writes the seeds from real files (make-seeds.py) and runs each target for
# FUZZ_SECONDS. A crash, a hang past the per-input timeout or a blown memory limit fails the command and leaves
# the reproducer in Fuzz/crashes/ (replay: Fuzz/.build/debug/TARGET FILE). The corpus each run grows is kept in
# Fuzz/corpus/TARGET for the next run. See docs/fuzzing.md.
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_TARGETS (default all), SWIFT (swift), JOBS (nproc),
# FUZZ_NICE (niceness, default 0), FUZZ_ARGS (more libFuzzer flags).
set -uo pipefail
cd "$(dirname "$0")"
SWIFT=${SWIFT:-swift}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-FuzzGGUF FuzzTaskJSON FuzzTaskXML FuzzPaths FuzzAnswers FuzzHTTP}
FUZZ_NICE=${FUZZ_NICE:-0}

# Largest input per target (bytes): big enough for several real records, small enough to stay fast.
max_len() {
    case $1 in
        FuzzGGUF) echo 65536 ;;
        FuzzTaskJSON | FuzzTaskXML | FuzzPaths | FuzzAnswers) echo 16384 ;;
        FuzzHTTP) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

python3 make-seeds.py seeds || { echo "make fuzz: cannot write the seeds (make-seeds.py)" >&2; exit 1; }
# SwiftPM does not notice source files added to a path dependency (the main package) once it has planned a
# build; removing the plan makes it plan again (a second or two).
rm -f .build/debug.yaml
# One product at a time: a plain `swift build` would also build (and fail to link) the main package's executable.
for target in $FUZZ_TARGETS; do
    # gold's "Cannot export local symbol '__asan_…'" (about 150 lines per target) says nothing: left out.
    nice -n "$FUZZ_NICE" "$SWIFT" build -c debug -j "$JOBS" -Xswiftc -sanitize=fuzzer,address --product "$target" 2>&1 \
        | grep -v "warning: Cannot export local symbol '__asan"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "make fuzz: $target does not build" >&2; exit 1; }
done
bin=$("$SWIFT" build -c debug --show-bin-path)
mkdir -p crashes
failed=()
for target in $FUZZ_TARGETS; do
    mkdir -p "corpus/$target"
    log="crashes/$target.log"
    echo "== $target: ${FUZZ_SECONDS} s, -max_len=$(max_len "$target") (log: Fuzz/$log)"
    # -timeout: one input may take 10 s (debug build under ASan); -rss_limit_mb: the process may use 2 GiB.
    # ASan's leak check is off: Swift's runtime keeps caches alive to the end, which it reports as leaks.
    # Swift's own backtracer is off: it would attach to the dying process instead of libFuzzer reporting.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} nice -n "$FUZZ_NICE" "$bin/$target" \
        -max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="crashes/$target-" ${FUZZ_ARGS:-} \
        "corpus/$target" "seeds/$target" > "$log" 2>&1
    status=$?
    grep -E "^#[0-9]+.*(DONE|INITED)|^stat::(number_of_executed_units|average_exec_per_sec)" "$log" | sed 's/^/   /'
    echo "   corpus: $(ls "corpus/$target" | wc -l) inputs"
    if [ $status -ne 0 ]; then
        failed+=("$target")
        echo "make fuzz: $target FAILED (exit $status); the end of Fuzz/$log:" >&2
        tail -n 40 "$log" | sed 's/^/   /' >&2
        sed -n "s|.*Test unit written to \(.*\)|   reproducer: Fuzz/\1|p" "$log" >&2
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "make fuzz: ${#failed[@]} target(s) failed: ${failed[*]}; reproducers in Fuzz/crashes/" >&2
    exit 1
fi
echo "make fuzz: every target ran ${FUZZ_SECONDS} s without a crash"
