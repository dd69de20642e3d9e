"""A real OpenID Connect provider for the tests: panva's ``oidc-provider`` (npm, pinned in
``package.json``/``package-lock.json``) run by ``provider.mjs`` under Node.js on 127.0.0.1.

``missing_provider_reason()`` says why it cannot run here (no ``node`` or ``npm``); ``running``
installs the packages with ``npm ci`` when ``node_modules`` is missing (``.ci/run`` does it up
front), starts the provider with the given clients and an accounts file, waits until it listens
and stops it afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"


def missing_provider_reason() -> str | None:
    if shutil.which("node") is None:
        return "no Node.js ('node') to run the test OpenID provider (apt-get install nodejs npm)"
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    major = version.lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < 20:
        return f"Node.js {version or '?'} is too old for oidc-provider 9 (needs 20 or newer)"
    if not (HERE / "node_modules" / "oidc-provider").is_dir() and shutil.which("npm") is None:
        return "no npm to install the test OpenID provider (tests/oidc_provider: npm ci)"
    return None


def install() -> None:
    """``npm ci`` (the exact versions of package-lock.json) when node_modules is missing."""
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600, stdin=subprocess.DEVNULL)


@dataclass
class RunningProvider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen[str]

    def set_accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        """Who can sign in and with which claims; read again at every sign-in."""
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")


@contextlib.contextmanager
def running(folder: Path, clients: list[dict[str, Any]], accounts: dict[str, dict[str, Any]]) -> Iterator[RunningProvider]:
    install()
    accounts_file = folder / "accounts.json"
    accounts_file.write_text(json.dumps(accounts), encoding="utf-8")
    config = folder / "provider.json"
    config.write_text(json.dumps({"port": 0, "clients": clients, "accounts": str(accounts_file)}), encoding="utf-8")
    log = open(folder / "provider.log", "w+", encoding="utf-8")  # noqa: SIM115 - closed below
    process = subprocess.Popen(["node", str(SCRIPT), str(config)], stdout=log, stderr=subprocess.STDOUT, text=True, cwd=HERE, env={**os.environ, "NODE_ENV": "test"})
    try:
        issuer = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            log.seek(0)
            for line in log.read().splitlines():
                if line.startswith("listening on "):
                    issuer = line.removeprefix("listening on ").strip()
            if issuer:
                break
            time.sleep(0.1)
        if issuer is None:
            log.seek(0)
            raise RuntimeError(f"the test OpenID provider did not start:\n{log.read()}")
        yield RunningProvider(issuer=issuer, accounts_file=accounts_file, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
