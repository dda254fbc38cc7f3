"""Whether a vendor's leak must be reported to the Personal Information Protection
Commission (PPC), under which case, and who reports. A rule anyone can read: it takes
plain facts and names, in its reasons, the facts that decided it. No ORM here.

APPI (個人情報保護法) 第26条第1項 and its Enforcement Rules (施行規則) 第7条: a leak,
loss or damage (漏えい等) of personal data, or the risk of one (おそれ), is reportable when
  1号  sensitive personal data (要配慮個人情報) is involved,
  2号  data whose misuse may cause financial loss (card numbers, bank log-ins),
  3号  it may have been caused by an act with malicious intent (unauthorised access,
       theft, an insider taking data); since the 2024-04-01 amendment this includes
       personal information we were acquiring and meant to handle as personal data,
  4号  the people affected number *more than* 1,000 (1,000 is not, 1,001 is).
Cases 1 to 3 are reportable from a single person. Data protected by advanced
encryption or other measures that protect the people's rights (高度な暗号化その他の
個人の権利利益を保護するために必要な措置) is left out of every case.

My Number (特定個人情報): the My Number Act (番号法) 第29条の4 and the PPC's rules on
reporting leaks of specific personal information (特定個人情報の漏えい等に関する報告等に
関する規則) 第2条 add their own cases: a leak that may have been caused with malicious
intent, and one of My Numbers of *more than* 100 people.

Who reports: the business that handles the data. As the outsourcer (委託元) we report;
the vendor (委託先) is relieved of reporting when it notifies us (法第26条第1項ただし書).

Deadlines (施行規則第8条): a preliminary report (速報) promptly, a final report (確報)
within 30 days, or 60 days when case 3号 applies (whatever other cases apply too).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

REPORTABLE_PEOPLE_THRESHOLD = 1_000  # 施行規則第7条第4号: more than this
MY_NUMBER_PEOPLE_THRESHOLD = 100  # 特定個人情報漏えい等報告規則第2条: more than this
FINAL_REPORT_DAYS = 30  # 施行規則第8条第2項
FINAL_REPORT_DAYS_MALICIOUS = 60  # 同項, for the case of 第7条第3号

APPI_SENSITIVE = "appi_7_1"
APPI_FINANCIAL = "appi_7_2"
APPI_MALICIOUS = "appi_7_3"
APPI_OVER_1000 = "appi_7_4"
MY_NUMBER_MALICIOUS = "mynumber_malicious"
MY_NUMBER_OVER_100 = "mynumber_over_100"

CASE_LABELS = {
    APPI_SENSITIVE: _("Sensitive personal data (施行規則第7条第1号)"),
    APPI_FINANCIAL: _("Data whose misuse may cause financial loss (施行規則第7条第2号)"),
    APPI_MALICIOUS: _("Possibly caused with malicious intent (施行規則第7条第3号)"),
    APPI_OVER_1000: _("More than 1,000 people (施行規則第7条第4号)"),
    MY_NUMBER_MALICIOUS: _(
        "My Number data, possibly with malicious intent (番号法第29条の4, 報告規則第2条)"
    ),
    MY_NUMBER_OVER_100: _(
        "My Number data of more than 100 people (番号法第29条の4, 報告規則第2条)"
    ),
}
MALICIOUS_CASES = {APPI_MALICIOUS, MY_NUMBER_MALICIOUS}


@dataclass(frozen=True)
class Facts:
    """What is known of the leak. ``people`` is the best estimate so far, None while
    unknown; ``people_may_exceed`` says the number may pass the threshold (a risk of it
    is enough: 発生したおそれ)."""

    people: int | None = None
    people_may_exceed: bool = False
    sensitive_data: bool = False
    financial_damage: bool = False
    malicious: bool = False
    my_number: bool = False
    encrypted: bool = False


@dataclass(frozen=True)
class Classification:
    reportable: bool
    cases: tuple[str, ...]
    reasons: tuple[str, ...]
    final_report_days: int | None
    who_reports: str = ""
    case_labels: tuple[str, ...] = field(default=())

    @property
    def malicious(self) -> bool:
        return bool(MALICIOUS_CASES & set(self.cases))


def _count_text(people: int | None) -> str:
    if people is None:
        return str(_("not known yet"))
    return f"{people:,}"


def classify(facts: Facts) -> Classification:
    reasons: list[str] = []
    if facts.encrypted:
        reasons.append(
            str(
                _(
                    "The data was protected by advanced encryption or equivalent measures, "
                    "so no case applies (施行規則第7条第1号の括弧書き). This holds only while "
                    "the key was not leaked too."
                )
            )
        )
        return Classification(
            reportable=False,
            cases=(),
            reasons=tuple(reasons),
            final_report_days=None,
            who_reports=str(_("Nobody: the PPC need not be told, nor the people affected.")),
        )

    cases: list[str] = []
    if facts.sensitive_data:
        cases.append(APPI_SENSITIVE)
        reasons.append(
            str(_("Sensitive personal data is involved: reportable from one person (第7条第1号)."))
        )
    if facts.financial_damage:
        cases.append(APPI_FINANCIAL)
        reasons.append(
            str(
                _(
                    "Misuse of the data may cause financial loss: reportable from one person "
                    "(第7条第2号)."
                )
            )
        )
    if facts.malicious:
        cases.append(APPI_MALICIOUS)
        reasons.append(
            str(
                _(
                    "The leak may have been caused with malicious intent, including data we "
                    "were acquiring: reportable from one person (第7条第3号), final report "
                    "within 60 days."
                )
            )
        )
    count = _count_text(facts.people)
    if facts.people is not None and facts.people > REPORTABLE_PEOPLE_THRESHOLD:
        cases.append(APPI_OVER_1000)
        reasons.append(
            str(
                _("%(count)s people are affected, more than 1,000 (第7条第4号).") % {"count": count}
            )
        )
    elif facts.people_may_exceed:
        cases.append(APPI_OVER_1000)
        reasons.append(
            str(
                _(
                    "The number of people (%(count)s) may exceed 1,000, and a risk of it is "
                    "enough (第7条第4号)."
                )
                % {"count": count}
            )
        )
    else:
        reasons.append(
            str(
                _(
                    "People affected: %(count)s, not more than 1,000: the count alone does not "
                    "make it reportable (第7条第4号)."
                )
                % {"count": count}
            )
        )
    if facts.my_number:
        if facts.malicious:
            cases.append(MY_NUMBER_MALICIOUS)
            reasons.append(
                str(
                    _(
                        "My Number data may have leaked with malicious intent (番号法第29条の4, "
                        "特定個人情報の漏えい等に関する報告等に関する規則第2条)."
                    )
                )
            )
        if (
            facts.people is not None and facts.people > MY_NUMBER_PEOPLE_THRESHOLD
        ) or facts.people_may_exceed:
            cases.append(MY_NUMBER_OVER_100)
            reasons.append(
                str(
                    _(
                        "My Number data of %(count)s people: more than 100, or it may be "
                        "(番号法第29条の4, 報告規則第2条)."
                    )
                    % {"count": count}
                )
            )
        elif not facts.malicious:
            reasons.append(
                str(
                    _(
                        "My Number data of %(count)s people, not more than 100 and without "
                        "malicious intent: not reportable under the My Number rules on that "
                        "ground."
                    )
                    % {"count": count}
                )
            )
    reportable = bool(cases)
    if not reportable:
        reasons.append(
            str(
                _(
                    "No case of 施行規則第7条 applies: not reportable to the PPC. Record why, "
                    "and look again whenever the facts change."
                )
            )
        )
        who = str(_("Nobody: the PPC need not be told, nor the people affected."))
        days = None
    else:
        who = str(
            _(
                "We report, as the outsourcer (委託元), and notify the people affected "
                "(法第26条第1項・第2項). The vendor is relieved of its own report once it has "
                "notified us (法第26条第1項ただし書)."
            )
        )
        days = FINAL_REPORT_DAYS_MALICIOUS if MALICIOUS_CASES & set(cases) else FINAL_REPORT_DAYS
    return Classification(
        reportable=reportable,
        cases=tuple(cases),
        reasons=tuple(reasons),
        final_report_days=days,
        who_reports=who,
        case_labels=tuple(str(CASE_LABELS[c]) for c in cases),
    )
