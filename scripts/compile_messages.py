"""Compile .po catalogues to .mo with polib, so a machine without gettext can build them."""

import sys
from pathlib import Path

import polib


def main(paths: list[str]) -> None:
    for path in map(Path, paths):
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


if __name__ == "__main__":
    main(sys.argv[1:])
