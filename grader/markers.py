"""Solution markers: a reference file's `### BEGIN SOLUTION` ... `### END SOLUTION` regions become stubs."""
import re

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


class MarkerError(ValueError):
    """Solution markers that are unbalanced or nested; says file and line."""


def strip_solutions(source, origin="<source>", comment="your code here"):
    """`source` with every BEGIN/END SOLUTION region replaced by a 'your code here' stub at the same indent
    (`comment`: the stub's comment, in the release's language)."""
    out, region_start, indent = [], None, ""
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if region_start is not None:
                raise MarkerError(f"{origin}:{number}: {BEGIN} inside the region opened at line {region_start} "
                                  f"(markers cannot nest)")
            region_start, indent = number, re.match(r"\s*", line).group(0)
            out.append(f"{indent}# {comment}\n{indent}raise NotImplementedError\n")
        elif marker == END:
            if region_start is None:
                raise MarkerError(f"{origin}:{number}: {END} without a matching {BEGIN}")
            region_start = None
        elif region_start is None:
            out.append(line)
    if region_start is not None:
        raise MarkerError(f"{origin}:{region_start}: {BEGIN} is never closed by {END}")
    return "".join(out)
