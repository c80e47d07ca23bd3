"""Reads an abuseflow outbox with Python's own e-mail parser (a different MIME
implementation from the one that wrote the mails) for the integration tests."""

import email
import email.policy
import ipaddress
import pathlib
import re

ADDRESS_TOKEN = re.compile(r"[0-9A-Fa-f:.]{3,}")


def read_mails(outbox):
    """Returns {file name: email.message.EmailMessage} for every .eml file."""
    mails = {}
    for path in sorted(pathlib.Path(outbox).glob("*.eml")):
        with open(path, "rb") as f:
            mails[path.name] = email.message_from_binary_file(f, policy=email.policy.default)
    return mails


def body_text(mail):
    part = mail.get_body(preferencelist=("plain",)) if mail.is_multipart() else mail
    return part.get_content()


def addresses_in(text):
    """Every IPv4/IPv6 address that appears as a token in the text."""
    found = set()
    for token in ADDRESS_TOKEN.findall(text):
        token = token.strip(".:")
        try:
            found.add(str(ipaddress.ip_address(token)))
        except ValueError:
            pass
    return found


def recipients(mail):
    return {a.addr_spec.lower() for a in mail["To"].addresses}


def comparable(mail_bytes):
    """The mail without the headers that may differ between two runs."""
    lines = mail_bytes.split(b"\r\n")
    return b"\r\n".join(l for l in lines if not l.startswith(b"Date:"))
