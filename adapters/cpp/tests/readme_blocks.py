#!/usr/bin/env python3
"""Checks that the README shows the example files verbatim: every `<!-- file: PATH -->` marker
must be followed by a fenced code block equal to PATH (relative to the README's directory).
usage: readme_blocks.py README.md [--extract OUTDIR]   (--extract also writes the blocks there)"""
import pathlib
import re
import sys


def blocks(readme):
    text = readme.read_text()
    pattern = r"<!-- file: (\S+) -->\s*\n```[a-z]*\n(.*?)^```"
    return [(m.group(1), m.group(2)) for m in re.finditer(pattern, text, re.S | re.M)]


def main():
    readme = pathlib.Path(sys.argv[1])
    found = blocks(readme)
    if not found:
        sys.exit(f"{readme}: no <!-- file: ... --> code blocks")
    bad = 0
    for path, code in found:
        want = (readme.parent / path).read_text()
        if code != want:
            print(f"{readme}: the block for {path} differs from the file", file=sys.stderr)
            bad += 1
        if len(sys.argv) == 4 and sys.argv[2] == "--extract":
            out = pathlib.Path(sys.argv[3]) / pathlib.Path(path).name
            out.write_text(code)
    print(f"{readme}: {len(found) - bad} of {len(found)} example blocks match their files")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
