"""Portal links carry a bearer token in their path; logs print a short hash prefix of
it instead, enough to match a log line with an invitation and useless to an attacker.
No model import here: the logging configuration loads this before the apps."""

import hashlib
import logging
import re

TOKEN_PATH = re.compile(r"(/portal/i/)([A-Za-z0-9_\-]{16,})")


def token_prefix(token: str) -> str:
    """What logs and the audit trail may show of a token: 8 hex digits of its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()[:8]


def redact(text: str) -> str:
    return TOKEN_PATH.sub(lambda m: f"{m.group(1)}sha256:{token_prefix(m.group(2))}", text)


class RedactPortalTokens(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's business, not ours
            return True
        if "/portal/i/" in message:
            record.msg, record.args = redact(message), None
        return True
