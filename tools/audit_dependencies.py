"""Audit the locked dependency set (requirements.lock) for known vulnerabilities with pip-audit, for CI.

    python tools/audit_dependencies.py [requirements.lock]

Exit 1 when a locked version has a known vulnerability (raise its pin in setup.cfg and regenerate the lock).
pip-audit asks a vulnerability service over the network: PyPI's JSON API, then OSV. When neither can be
reached, nothing was audited; that is reported loudly and exits 0, so a network without those services does
not fail CI, unless --require-service is given (exit 2).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("pypi", "osv")
DEFAULT_LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"
MAX_RUN_SECONDS = 300  # a service that hangs rather than refuses must not hold CI for long


@dataclass
class Verdict:
    """What one pip-audit report says: vulnerable packages, how many were audited, and which were skipped."""

    vulnerable: list[str] = field(default_factory=list)
    audited: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def reached_service(self) -> bool:
        """Whether the service answered for at least one package."""
        return self.audited > 0


def read_report(report: dict) -> Verdict:
    """Classify pip-audit's JSON report (`--format json`): {"dependencies": [{name, version, vulns} or
    {name, skip_reason}], ...}. A dependency skipped for any reason (typically: the service could not be
    asked about it) was not audited."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            verdict.skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        verdict.audited += 1
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            verdict.vulnerable.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    return verdict


def audit(lock: Path, service: str, timeout: int) -> tuple[Verdict | None, str]:
    """Run pip-audit on the pinned lock file against `service`; (None, why) when it produced no report."""
    command = [sys.executable, "-m", "pip_audit", "--requirement", str(lock), "--no-deps", "--disable-pip",
               "--format", "json", "--progress-spinner", "off", "--vulnerability-service", service,
               "--timeout", str(timeout)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=MAX_RUN_SECONDS)
    except subprocess.TimeoutExpired:
        return None, f"pip-audit did not finish within {MAX_RUN_SECONDS} s"
    try:
        return read_report(json.loads(done.stdout)), ""
    except (json.JSONDecodeError, KeyError, TypeError):
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return None, lines[-1] if lines else f"pip-audit exited {done.returncode} without a report"


def main(argv: list[str] | None = None) -> int:
    """Audit against the first reachable service; print the outcome; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", nargs="?", type=Path, default=DEFAULT_LOCK)
    parser.add_argument("--require-service", action="store_true",
                        help="exit 2 when no vulnerability service could be reached")
    parser.add_argument("--timeout", type=int, default=15, help="seconds per network request")
    args = parser.parse_args(argv)
    problems = []
    for service in SERVICES:
        verdict, why = audit(args.lock, service, args.timeout)
        if verdict is None or not verdict.reached_service:
            if verdict is not None:
                why = f"every dependency skipped, e.g. {verdict.skipped[0]}" if verdict.skipped else "empty report"
            problems.append(f"{service}: {why}")
            continue
        if verdict.vulnerable:
            print(f"pip-audit ({service}): known vulnerabilities in {args.lock.name}:", *verdict.vulnerable, sep="\n  ")
            return 1
        print(f"pip-audit ({service}): no known vulnerabilities in {verdict.audited} locked packages"
              + (f"; {len(verdict.skipped)} not audited: " + "; ".join(verdict.skipped) if verdict.skipped else ""))
        return 0
    print("pip-audit: NOT AUDITED. No vulnerability service could be reached from this machine, so the locked",
          "dependencies were not checked:", *problems, sep="\n  ")
    return 2 if args.require_service else 0


if __name__ == "__main__":
    sys.exit(main())
