"""Screenshot every page of the built website in headless Chromium, desktop and phone, and fail on a 404.

Usage: ``python tools/screenshots.py [_build/html] [--out _build/screenshots] [--pages intro chapters/02_wyner_ziv]``

Serves the website on a local port, loads each page with Debian's ``chromium`` at 1400 px and 390 px wide
(tall windows, so most of a page is in one picture; ``--height`` to change), waits for MathJax, and writes
``<out>/<page>_<width>.png``. Every request the pages make is logged; a response other than 200 (a
MathJax component or font trimmed away, a missing image) is reported and makes the exit code 1.
Look at the pictures: wide equations must scroll inside their box on the phone, figures must fit.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

WIDTHS = {"desktop": 1400, "phone": 390}


class _LoggingHandler(http.server.SimpleHTTPRequestHandler):
    failures: ClassVar[list[str]] = []

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code) != "200":
            self.failures.append(f"{code} {self.path}")

    def log_message(self, format: str, *args: object) -> None:
        pass


def pages(html: Path) -> list[str]:
    """Every content page of the website (``genindex``, ``search`` and the redirecting ``index`` left out)."""
    skip = {"genindex", "search", "index"}
    return sorted(p.relative_to(html).with_suffix("").as_posix() for p in html.rglob("*.html")
                  if not p.relative_to(html).parts[0].startswith("_") and p.stem not in skip)


def shoot(browser: str, url: str, out: Path, width: int, height: int) -> None:
    """One screenshot of ``url`` at ``width`` x ``height`` CSS pixels (MathJax given 15 s of virtual time)."""
    subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--virtual-time-budget=15000", f"--window-size={width},{height}", f"--screenshot={out}",
                    url], check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    """Serve, shoot every page at both widths, print the requests that failed; 1 if any did."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", default="_build/html", type=Path)
    parser.add_argument("--out", default="_build/screenshots", type=Path)
    parser.add_argument("--pages", nargs="*", help="pages relative to the website root, without .html")
    parser.add_argument("--height", type=int, default=0, help="window height (default: 2400 desktop, 5000 phone)")
    args = parser.parse_args(argv)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed (Debian: apt-get install chromium)")
    if not (args.html / "intro.html").exists():
        raise SystemExit(f"{args.html} holds no built website: run make book first")
    args.out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_LoggingHandler, directory=str(args.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for page in args.pages or pages(args.html):
            for kind, width in WIDTHS.items():
                height = args.height or (2400 if kind == "desktop" else 5000)
                out = args.out / f"{page.replace('/', '_')}_{width}.png"
                shoot(browser, f"{base}/{page}.html", out, width, height)
                print(out)
    finally:
        server.shutdown()
    for failure in _LoggingHandler.failures:
        print(f"FAILED REQUEST {failure}", file=sys.stderr)
    return 1 if _LoggingHandler.failures else 0


if __name__ == "__main__":
    sys.exit(main())
