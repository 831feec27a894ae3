"""PostgreSQL connection strings: which text is one, its redacted form, and its secrets apart.

libpq reads a connection in two forms: a URI (``postgresql://user:pw@host:port/db?key=value&…``)
and keyword/value pairs (``host=… password='a b' dbname=…``). A secret can sit in the URI's user
info, in a ``password=`` or ``sslpassword=`` query parameter, or in those keywords, quoted or not.

``redact`` is the store's identity: ``Store.url`` is made by it, so the ``field_sync.store``
column, the sync report, log lines and error messages only ever see a string without secrets.
A string libpq reads is written back from libpq's own reading (``conninfo_to_dict``) as one
canonical URI without the secrets: the same store given in either form, with its password or
without, has one identity, and that identity still connects (with the password from elsewhere).
A string libpq cannot read (a message may quote one) is scrubbed by pattern, removing more
rather than less: everything up to the last ``@`` of a URI, every ``password=`` value up to the
next ``key=``.
"""
from __future__ import annotations

import re
from urllib.parse import quote

SCHEMES = ("postgresql://", "postgres://")
SECRET_KEYS = ("password", "sslpassword")
# libpq keywords a keyword/value string may start with (the ones a person writes first)
KEYWORDS = {"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "sslmode",
            "connect_timeout", "application_name", "options", "target_session_attrs", "sslpassword",
            "client_encoding", "sslrootcert", "sslcert", "sslkey", "gssencmode", "require_auth"}
HIDDEN = "***"


class BadConninfo(ValueError):
    """libpq cannot read the string (its own message may quote part of it, so it is not kept)."""


def is_postgres(text: str) -> bool:
    """A PostgreSQL URI or keyword/value string (anything else is an SQLite file path)."""
    text = str(text).lstrip()
    if text.startswith(SCHEMES):
        return True
    m = re.match(r"([A-Za-z_]+)\s*=", text)
    return bool(m) and m.group(1) in KEYWORDS


def parse(text: str) -> dict:
    """libpq's own reading of the string (keywords → values); BadConninfo if it cannot."""
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict
    try:
        parts = {k: str(v) for k, v in conninfo_to_dict(text).items()}
    except Error:
        raise BadConninfo(f"{scrub(text)}: not a PostgreSQL connection string libpq can read") from None
    if any("@" in parts.get(k, "") for k in ("host", "hostaddr", "user", "port", "dbname")) \
            or not re.fullmatch(r"[\d,]*", parts.get("port", "")):
        # "postgresql://u:p@ss@h/db": libpq stops the user info at the first "@" and takes "ss@h" for a host;
        # "postgresql://u:a/b@h/db": at a "/", and takes "u" for the host, "a" for the port, "b@h/db" for the db
        raise BadConninfo(f"{scrub(text)}: an '@' or '/' in the store URL's password must be written %40 or %2F; "
                          "better, give the password by PGPASSWORD, ~/.pgpass or the OS keyring")
    return parts


def split(text: str) -> tuple[str, dict]:
    """(the redacted identity, {keyword: secret}) of a PostgreSQL string; BadConninfo if unreadable."""
    parts = parse(text)
    secrets = {k: parts.pop(k) for k in SECRET_KEYS if parts.get(k)}
    for k in SECRET_KEYS:
        parts.pop(k, None)
    return _uri(parts), secrets


def redact(text: str) -> str:
    """``text`` without any password, in every libpq form; an SQLite path comes back as it was."""
    text = str(text)
    if not (is_postgres(text) or "://" in text):
        return text
    if is_postgres(text):
        try:
            return split(text)[0]
        except BadConninfo:
            pass
    return scrub(text)


def scrub(text: str) -> str:
    """Remove what may be a secret from any text by pattern (for strings libpq cannot read, and messages)."""
    text = re.sub(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s]*@", r"\1", str(text))  # through the LAST "@" of a URI
    return re.sub(r"(?i)\b(ssl)?password\s*=\s*(?:'(?:[^'\\]|\\.)*'?|.*?)(?=[&\s]\s*[A-Za-z_%]+\s*=|$)",
                  lambda m: f"{m.group(1) or ''}password={HIDDEN}", text)


def hide(text: str, secrets: dict) -> str:
    """A library's message with the secrets taken out (scrubbed, and each secret's own text replaced)."""
    text = scrub(text)
    for value in secrets.values():
        if value:
            text = text.replace(value, HIDDEN)
    return text


def _uri(parts: dict) -> str:
    """One canonical URI for libpq's keywords (no secrets among them): user@host:port/db?rest."""
    parts = dict(parts)
    user = quote(parts.pop("user", ""), safe="")
    host, port = parts.get("host", ""), parts.get("port", "")
    authority = ""
    if "," not in host and ":" not in host and "," not in port:  # one host: in the authority
        parts.pop("host", None)
        parts.pop("port", None)
        authority = quote(host, safe="") + (f":{port}" if port else "")
    db = quote(parts.pop("dbname", ""), safe="")
    query = "&".join(f"{k}={quote(v, safe=',/')}" for k, v in sorted(parts.items()))
    return f"postgresql://{user + '@' if user else ''}{authority}/{db}" + (f"?{query}" if query else "")


def keyring_user(text: str, env=None) -> str:
    """``user@host:port`` of a PostgreSQL string, the name its password has in the OS keyring."""
    import getpass
    import os
    env = os.environ if env is None else env
    parts = parse(text)
    user = parts.get("user") or env.get("PGUSER") or getpass.getuser()
    host = parts.get("host") or parts.get("hostaddr") or env.get("PGHOST") or "localhost"
    port = parts.get("port") or env.get("PGPORT") or "5432"
    return f"{user}@{host}:{port}"
