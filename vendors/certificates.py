"""Certificate states from the real cycles of each scheme. Pure: dates in, state out.

Privacy Mark (JIPDEC): valid two years; the renewal is filed from 8 months to
4 months before the end of validity (JIPDEC's example: validity ending 2024-12-01,
filing 2024-04-02 to 2024-08-01). A mark whose renewal was filed in that window
stays usable while the renewal is reviewed, so it is not shown as expired.
ISMS (ISO/IEC 27001, register kept by ISMS-AC): certificates run three years with a
surveillance audit every year (held within about a month of the anniversary).
Certificates to ISO/IEC 27001:2013 (JIS Q 27001:2014) lapsed after 2025-10-31, the
end of the transition to ISO/IEC 27001:2022 (JIS Q 27001:2023).
Every scheme: a warning 90 days before the end of validity.
"""

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

EXPIRY_WARNING_DAYS = 90
ISO27001_2013_LAPSED_AFTER = date(2025, 10, 31)
# Surveillance is yearly; one month of grace for an audit held after the anniversary.
SURVEILLANCE_OVERDUE_AFTER_MONTHS = 13

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
UNDER_RENEWAL = "under_renewal"
OLD_EDITION = "old_edition"

RENEWAL_WINDOW_OPEN = "renewal_window_open"
SURVEILLANCE_OVERDUE = "surveillance_overdue"

PMARK = "pmark"
ISO27001 = "iso27001"
ISMS_FAMILY = {"iso27001", "iso27017", "iso27701"}
OLD_EDITIONS = {"iso27001_2013"}

# Privacy Mark numbers: 2-digit body code, 6-digit holder number, optional "(nn)" count
# of grants (JIPDEC's display rules), e.g. 10820123(05).
PMARK_NUMBER_RE = re.compile(r"^\d{8}(\(\d{2}\))?$")
# ISMS numbers are assigned by each certification body (e.g. "IS 123456", "JQA-IM1234"):
# letters, digits, spaces, hyphens, slashes and dots, with at least one digit.
ISMS_NUMBER_RE = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9 ./-]{1,39}$")


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (or earlier), clipped to the month's end."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def pmark_renewal_window(valid_until: date) -> tuple[date, date]:
    """First and last day on which a Privacy Mark renewal may be filed."""
    return add_months(valid_until, -8) + timedelta(days=1), add_months(valid_until, -4)


def renewal_filed_in_time(valid_until: date, renewal_applied_on: date | None) -> bool:
    if renewal_applied_on is None:
        return False
    return renewal_applied_on <= pmark_renewal_window(valid_until)[1]


def normalize_registration_number(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").upper().split())


def registration_number_ok(kind: str, number: str) -> bool:
    """Whether a (normalised) registration number has the format of its scheme."""
    if not number:
        return True
    if kind == PMARK:
        return bool(PMARK_NUMBER_RE.match(number.replace(" ", "")))
    if kind in ISMS_FAMILY:
        return bool(ISMS_NUMBER_RE.match(number))
    return True


@dataclass(frozen=True)
class CertificateStatus:
    state: str
    badges: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.state in (VALID, EXPIRING, UNDER_RENEWAL)


def certificate_status(
    *,
    kind: str,
    valid_until: date,
    today: date,
    edition: str = "",
    valid_from: date | None = None,
    last_surveillance_on: date | None = None,
    renewal_applied_on: date | None = None,
) -> CertificateStatus:
    if edition in OLD_EDITIONS and today > ISO27001_2013_LAPSED_AFTER:
        return CertificateStatus(OLD_EDITION)
    if valid_until < today:
        if kind == PMARK and renewal_filed_in_time(valid_until, renewal_applied_on):
            return CertificateStatus(UNDER_RENEWAL)
        return CertificateStatus(EXPIRED)
    badges = []
    if kind == PMARK and renewal_applied_on is None:
        first, last = pmark_renewal_window(valid_until)
        if first <= today <= last:
            badges.append(RENEWAL_WINDOW_OPEN)
    if kind in ISMS_FAMILY:
        audited = last_surveillance_on or valid_from
        if audited and today > add_months(audited, SURVEILLANCE_OVERDUE_AFTER_MONTHS):
            badges.append(SURVEILLANCE_OVERDUE)
    state = EXPIRING if valid_until <= today + timedelta(days=EXPIRY_WARNING_DAYS) else VALID
    return CertificateStatus(state, tuple(badges))
