"""Regenerate the screenshots in docs/img from the demo, as each role sees it.

    python docs/screenshots.py            # all shots, into docs/img
    python docs/screenshots.py queue demo-demand   # only these

Loads the demo into a throw-away home, serves it, signs in as each demo role through the
real login forms (the demo's random passwords are read from the home) and photographs the
pages with Debian's Chromium through Playwright. Nothing of the home is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "img"
CHROMIUM = "/usr/bin/chromium"
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DOMAIN = "demo.dueprocess.example"


@dataclass(frozen=True)
class Shot:
    name: str
    who: str  # demo login name ("reviewer", "officer@fbi", ...) or "" for nobody
    path: str  # may name a demo demand as {ref:REFERENCE}
    viewport: dict[str, int] = field(default_factory=lambda: WIDE)
    scroll_to: str = ""  # a CSS selector to bring into view first
    full_page: bool = False


SHOTS = [
    Shot("two-factor-setup", "reviewer", "/account/two-factor/setup/"),
    Shot("demo-queue", "reviewer", "/review/"),
    Shot("narrow-queue", "reviewer", "/review/", PHONE),
    Shot("demo-search", "reviewer", "/review/search/?q=NSD"),
    Shot("demo-demand", "reviewer", "/review/demands/{ref:NSD-2020-0715-001}/"),
    Shot("decision", "reviewer", "/review/demands/{ref:NSD-2020-0715-001}/",
         scroll_to="#decide"),
    Shot("timeline", "reviewer", "/review/demands/{ref:NSD-2020-0715-001}/",
         scroll_to="#timeline"),
    Shot("demo-human-rights", "hr-reviewer", "/review/demands/{ref:NSD-2020-0715-001}/",
         scroll_to="#human-rights"),
    Shot("demo-deadlines", "reviewer", "/review/deadlines/"),
    Shot("publications", "publisher", "/review/publications/"),
    Shot("tokens", "admin", "/review/tokens/"),
    Shot("audit-chain", "auditor", "/review/audit/"),
    Shot("audit-verify", "auditor", "/review/audit/verify/"),
    Shot("narrow-portal-home", "officer@fbi", "/portal/", PHONE),
    Shot("portal-demand", "officer@fbi", "/portal/demands/{ref:2:20-mj-00417}/"),
    Shot("portal-new", "officer@fbi", "/portal/demands/new/"),
    Shot("portal-verify", "officer@fbi", "/portal/verify/"),
    Shot("transparency", "", "/transparency/"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "dueprocess", *args], env=env, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def _wait(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the demo did not answer at {url}")


def _demand_ids(base: str, token: str) -> dict[str, int]:
    request = urllib.request.Request(f"{base}/api/v1/demands?limit=200",  # noqa: S310
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - local server
        body = json.load(answer)
    items = body["items"] if isinstance(body, dict) else body
    return {item["reference"]: int(item["id"]) for item in items}


def _path(template: str, ids: dict[str, int]) -> str:
    while "{ref:" in template:
        start = template.index("{ref:")
        end = template.index("}", start)
        template = template[:start] + str(ids[template[start + 5:end]]) + template[end + 1:]
    return template


def _sign_in(page: Any, base: str, who: str, passwords: dict[str, str]) -> None:
    email = f"{who.split('@')[0]}@{who.split('@')[1]}.{DOMAIN}" if "@" in who \
        else f"{who}@{DOMAIN}"
    portal = email.startswith("officer@")
    page.goto(f"{base}{'/portal/login/' if portal else '/login/'}")
    page.fill("#main input[name=email]" if portal else "#main input[name=username]", email)
    page.fill("#main input[name=password]", passwords[email])
    page.click("#main button[type=submit]")
    page.wait_for_load_state()


def take(shots: list[Shot], out: Path, say: Callable[[str], None] = print) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="dueprocess-shots-") as home:
        env = dict(os.environ, DUEPROCESS_HOME=home, DUEPROCESS_MODE="demo")
        say("loading the demo ...")
        _run(["demo", "--home", home, "--no-serve"], env)
        creds = json.loads((Path(home) / "demo-credentials.json").read_text())
        passwords = {u["email"]: u["password"] for u in creds["users"]}
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "dueprocess", "serve", "--port",  # noqa: S603
                                   str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            _wait(f"{base}/healthz")
            ids = _demand_ids(base, creds["token"])
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox"])
                for shot in shots:
                    context = browser.new_context(viewport=shot.viewport)  # type: ignore[arg-type]
                    page = context.new_page()
                    if shot.who:
                        _sign_in(page, base, shot.who, passwords)
                    page.goto(f"{base}{_path(shot.path, ids)}")
                    if shot.scroll_to and page.locator(shot.scroll_to).count():
                        page.locator(shot.scroll_to).first.scroll_into_view_if_needed()
                    target = out / f"{shot.name}.png"
                    page.screenshot(path=str(target), full_page=shot.full_page)
                    say(f"  {target.name}")
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    chosen = [s for s in SHOTS if not args.names or s.name in args.names]
    unknown = set(args.names) - {s.name for s in SHOTS}
    if unknown:
        print(f"no such shot: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    take(chosen, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
