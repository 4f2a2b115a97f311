"""The site's legal documents: the user agreement and the privacy policy, their versions, and the footer's filings."""
from __future__ import annotations

import re

AGREEMENT = "agreement"
PRIVACY = "privacy"
# Each document's version is the date it took effect; a change of wording gets a new date, and the consent a user
# gave is stored with the versions they saw (shop.accounts.consents).
VERSIONS: dict[str, str] = {AGREEMENT: "2026-12-01", PRIVACY: "2026-12-01"}

MIIT_URL = "https://beian.miit.gov.cn/"
PSB_URL = "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode="


def psb_link(license_text: str) -> str:
    """The public-security filing's page for a number such as 浙公网安备33050202000001号 (its digits are the code)."""
    digits = "".join(re.findall(r"[0-9]+", license_text))
    return PSB_URL + digits if digits else "https://www.beian.gov.cn/"
