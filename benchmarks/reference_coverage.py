"""How many French authority names of a set of pages the reference data places, by kind, and which it cannot.

    python benchmarks/reference_coverage.py [PAGES...]      # default: the bundled examples

Reads the pages as `atlas-ld ingest` does, takes the distinct names of French partners (and of funders that the
mapping would place), resolves each with `atlas_ld.reference.resolve`, and prints the counts, the ambiguous
names with their candidate codes and the unknown ones. The report is written to benchmarks/out/reference-report.md.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from atlas_ld.bundled import examples_dir
from atlas_ld.parse import iter_page_files, read_page
from atlas_ld.records import PageError
from atlas_ld.reference import resolve

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, default=[examples_dir()])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    partners: set[str] = set()
    funders: set[str] = set()
    for path in iter_page_files(args.pages):
        try:
            record = read_page(path)
        except PageError:
            continue
        partners.update(record.french_partners)
        funders.update(line.funder for line in record.funding)
    results = {name: resolve(name) for name in sorted(partners)}
    by_kind = Counter(r.kind if r.status == "resolved" else r.status for r in results.values())
    funders_placed = sorted(n for n in funders - partners if resolve(n).status == "resolved")
    lines = [
        "# French authorities and the reference data",
        "",
        f"Pages: {', '.join(str(p) for p in args.pages)}",
        f"Distinct French partner names: {len(results)}",
        "",
        "| outcome | names |",
        "| --- | ---: |",
        *(f"| {kind} | {count} |" for kind, count in sorted(by_kind.items())),
        "",
        f"Funders that are no partner but are placed as French authorities: {len(funders_placed)}"
        + (f" ({', '.join(funders_placed[:20])})" if funders_placed else ""),
        "",
        "Ambiguous:",
        *(f"- {name}: {', '.join(r.candidates)}" for name, r in results.items() if r.status == "ambiguous"),
        "",
        "Unknown (first 30):",
        *[f"- {name}" for name, r in results.items() if r.status == "unknown"][:30],
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "reference-report.md").write_text(report)


if __name__ == "__main__":
    main()
