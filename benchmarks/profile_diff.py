"""Two folded profiles (turn_cpu.py --profile) side by side: where one version spends more CPU than the other.

turn_cpu.py samples the timed turns' stacks on a CPU-time timer and writes them folded, one stack and its count a
line. This prints, for each function, the samples it was on the stack for (inclusive) or at the top of (self) in
each profile, largest first, with the difference: record the same workload of two checkouts, then read which
functions' share moved. Paths are shortened to their checkout-relative form, so the same function of two checkouts
is one row. Only the event loop's thread is sampled: work handed to a thread (asyncio.to_thread) shows as the loop
waiting.

    .venv/bin/python benchmarks/turn_cpu.py --profile /tmp/after.prof
    .venv/bin/python benchmarks/turn_cpu.py --project ../base --profile /tmp/base.prof
    .venv/bin/python benchmarks/profile_diff.py /tmp/after.prof /tmp/base.prof
    .venv/bin/python benchmarks/profile_diff.py /tmp/after.prof /tmp/base.prof --self --match graph/ --top 30
    .venv/bin/python benchmarks/profile_diff.py /tmp/after.prof /tmp/base.prof --under retrieve.py:gather
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

_PREFIX = re.compile(
    r"^.*?/(?:site-packages|lib/python3\.\d+)/|^.*?/(?=(?:graph|knowledge|server|shop|shopdesk|tools|benchmarks)/)"
)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", help="folded profile (e.g. the changed version)")
    parser.add_argument("second", help="folded profile to compare with (e.g. the base)")
    parser.add_argument("--self", action="store_true", help="samples at the top of the stack, not on it")
    parser.add_argument("--match", default="", help="only functions whose name contains this")
    parser.add_argument("--under", default="", help="only samples under this function (e.g. retrieve.py:gather)")
    parser.add_argument("--top", type=int, default=40, help="rows printed")
    return parser.parse_args(argv)


def load(path: str, self_only: bool, under: str) -> tuple[int, Counter[str]]:
    total = 0
    counts: Counter[str] = Counter()
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_PREFIX.sub("", frame) for frame in stack.split(";")]
        if under:
            starts = [index for index, frame in enumerate(frames) if frame.endswith(under)]
            if not starts:
                continue
            frames = frames[starts[0] :]
        total += int(count)
        for frame in [frames[-1]] if self_only else set(frames):
            counts[frame] += int(count)
    return total, counts


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    total_a, first = load(args.first, args.self, args.under)
    total_b, second = load(args.second, args.self, args.under)
    print(f"samples: {total_a} ({args.first}) vs {total_b} ({args.second})")
    names = [name for name in first.keys() | second.keys() if args.match in name]
    names.sort(key=lambda name: -max(first[name], second[name]))
    print(f"{'first':>7} {'second':>7} {'diff':>7}  function")
    for name in names[: args.top]:
        print(f"{first[name]:7d} {second[name]:7d} {first[name] - second[name]:+7d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
