#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that po/POTFILES.in lists exactly the files with translatable strings.

Usage: check-potfiles.py [SOURCE_ROOT]   (default: the repository this script is in)

A file has translatable strings when it is
  - C (.c, .h) calling _(), N_(), C_(), NC_(), Q_(), ngettext() or g_dngettext();
  - a GtkBuilder file (.ui) with translatable="yes";
  - a desktop entry, polkit policy or AppStream template (*.desktop.in, *.policy.in,
    *.metainfo.xml.in), which always have a name to translate;
  - a GSettings schema (*.gschema.xml) with a <summary> or <description>.
Every such file below the source folders must be listed, and every listed file must exist
and have such strings. Prints what is wrong and exits 1; prints a summary and exits 0 when
nothing is. Tests and build trees are not searched. Standard library only.
"""

import os
import re
import sys

SOURCE_DIRS = ("app", "data", "hypervisor", "lib", "ui", "viewer")
C_CALL = re.compile(r"(?<![\w.>])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext)\s*\(")
UI_TRANSLATABLE = re.compile(r"""translatable\s*=\s*["']yes["']""")
SCHEMA_TEXT = re.compile(r"<(summary|description)\b")
ALWAYS = (".desktop.in", ".policy.in", ".metainfo.xml.in")


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def has_strings(path):
    name = os.path.basename(path)
    if name.endswith(ALWAYS):
        return True
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    if name.endswith((".c", ".h")):
        return C_CALL.search(strip_c_comments(text)) is not None
    if name.endswith(".ui"):
        return UI_TRANSLATABLE.search(text) is not None
    if name.endswith(".gschema.xml"):
        return SCHEMA_TEXT.search(text) is not None
    return False


def candidates(root):
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".c", ".h", ".ui", ".gschema.xml") + ALWAYS):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def listed(root):
    path = os.path.join(root, "po", "POTFILES.in")
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if line and not line.startswith("#"):
                entries.append((number, line))
    return entries


def main(argv):
    if len(argv) > 2:
        sys.stderr.write("usage: %s [SOURCE_ROOT]\n" % argv[0])
        return 2
    root = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    root = os.path.abspath(root)
    if not os.path.isfile(os.path.join(root, "po", "POTFILES.in")):
        sys.stderr.write("%s: no po/POTFILES.in in %s\n" % (argv[0], root))
        return 2

    problems = []
    entries = listed(root)
    names = [e for _, e in entries]
    seen = set()
    for number, entry in entries:
        if entry in seen:
            problems.append("po/POTFILES.in:%d: %s is listed twice" % (number, entry))
        seen.add(entry)
        full = os.path.join(root, entry)
        if not os.path.isfile(full):
            problems.append("po/POTFILES.in:%d: %s does not exist" % (number, entry))
        elif not has_strings(full):
            problems.append("po/POTFILES.in:%d: %s has no translatable strings" % (number, entry))
    found = [c for c in candidates(root) if has_strings(os.path.join(root, c))]
    for path in found:
        if path not in names:
            problems.append("%s has translatable strings but is not in po/POTFILES.in" % path)

    if problems:
        print("\n".join(problems))
        print("po/POTFILES.in is wrong: %d problem(s)" % len(problems))
        return 1
    print("po/POTFILES.in lists the %d files with translatable strings" % len(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
