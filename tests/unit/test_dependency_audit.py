"""The locked dependency set CI audits: it pins everything setup.cfg asks for, within its ranges, and the audit
script reads pip-audit's reports the right way round (vulnerable fails, skipped is not audited)."""
from __future__ import annotations

from configparser import ConfigParser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.audit_dependencies import read_report

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _declared() -> list[Requirement]:
    setup = ConfigParser(interpolation=None)
    setup.read(ROOT / "setup.cfg")
    lines = setup["options"]["install_requires"].splitlines()
    for extra in ("demo", "test"):
        lines += setup["options.extras_require"][extra].splitlines()
    return [Requirement(line) for line in lines if line.strip()]


def test_the_lock_pins_every_declared_dependency_within_its_range():
    pins = _pins()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: make it again (see its header)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (requirement, pins[name])


def test_the_lock_is_exact_versions_only():
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        assert not line or line.startswith("#") or (line.count("==") == 1 and " " not in line), line


def test_a_vulnerable_pin_is_reported():
    verdict = read_report({"dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {"name": "werkzeug", "version": "2.2.2", "vulns": [
            {"id": "PYSEC-2023-58", "fix_versions": ["2.2.3"], "aliases": ["CVE-2023-25577"]}]},
    ], "fixes": []})
    assert verdict.audited == 2 and verdict.reached_service
    assert verdict.vulnerable == ["werkzeug 2.2.2: PYSEC-2023-58 (fixed in 2.2.3)"]


def test_skipped_packages_are_not_counted_as_audited():
    # What PyPI's service answers when its JSON API cannot be reached: every package skipped.
    verdict = read_report({"dependencies": [
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"},
    ], "fixes": []})
    assert verdict.audited == 0 and not verdict.reached_service and not verdict.vulnerable
    assert verdict.skipped == ["flask: Dependency not found on PyPI and could not be audited: flask (3.1.3)"]
