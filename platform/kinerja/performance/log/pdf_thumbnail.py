"""The first page of an evidence PDF as a small JPEG, made by PDFium in a child process with a
time and memory limit: a hostile PDF (a page of millions of objects, an image of billions of
pixels, a parser bug) costs at most `SECONDS` and `MEMORY` and never holds or kills a web worker.

A PDF that exceeds the limits is still kept as evidence, shown without a thumbnail (the pages
show its name, the API a null `thumbnail_url`): it is most likely a heavy scan that a reader's
own PDF viewer opens well, and refusing it would lose proof of work the person cannot shrink on
a phone. A PDF that PDFium cannot open at all is refused as before (`Unreadable`).

The child is this file run as a script (no package import: only PDFium and Pillow load), the PDF
on its standard input and the JPEG on its standard output; the limits are set inside the child
(`setrlimit` before reading anything), which is safe in a threaded worker."""

from __future__ import annotations

import subprocess
import sys

SECONDS = 2.0  # wall-clock limit of one thumbnail (a normal first page takes ~0.1 s)
CPU_SECONDS = 2  # the kernel's limit on the child's processor time
MEMORY = 512 * 2**20  # address space of the child: PDFium and Pillow need ~150 MB to start
UNREADABLE = 3  # the child's exit status when PDFium cannot open the file


class Unreadable(Exception):
    """PDFium cannot open this file (or it has no page)."""


def first_page(data: bytes, size: int) -> bytes | None:
    """The first page as a JPEG of at most `size` px on its long side; None when the child
    exceeded a limit or failed otherwise (the PDF is kept without thumbnail)."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", __file__, str(size)],  # -I: no script folder on the path
            input=data,
            capture_output=True,
            timeout=SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return None
    if done.returncode == UNREADABLE:
        raise Unreadable(done.stderr.decode(errors="replace")[-300:])
    if done.returncode != 0 or done.stdout[:3] != b"\xff\xd8\xff":
        return None  # killed by a limit (SIGXCPU, SIGKILL), out of memory, or a crash
    return done.stdout


def _child(size: int) -> int:
    import io
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    data = sys.stdin.buffer.read()
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return UNREADABLE
    if len(document) == 0:
        return UNREADABLE
    page = document[0]
    width, height = page.get_size()
    scale = min(2.0, size / max(width, height, 1))  # points to pixels, at most `size`
    image = page.render(scale=scale).to_pil()
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80)
    sys.stdout.buffer.write(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1])))
