"""Production configuration: ``check --deploy`` is clean and the security headers are sent as intended."""

from __future__ import annotations

import json
import secrets
import string

import pytest

from tests.browser.livesite import manage, site_env

HOST = "archive.example"


def production_env(data_dir, https: bool = True) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = site_env(
        data_dir,
        NEWSARCHIVE_PRODUCTION="1",
        NEWSARCHIVE_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        NEWSARCHIVE_ALLOWED_HOSTS=HOST,
    )
    if https:
        env["NEWSARCHIVE_HTTPS"] = "1"
    return env


def test_check_deploy_is_clean(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


HEADERS_SCRIPT = """
import json
from django.test import Client
client = Client(HTTP_HOST="archive.example")
out = {}
for name, extra in {"http": {}, "https": {"HTTP_X_FORWARDED_PROTO": "https"}}.items():
    response = client.get("/", **extra)
    out[name] = {"status": response.status_code, "headers": dict(response.headers)}
print("HEADERS=" + json.dumps(out))
"""


def headers(tmp_path, https: bool) -> dict:
    env = production_env(tmp_path, https=https)
    manage(tmp_path, "migrate", "--noinput", "-v0", env=env)
    manage(tmp_path, "collectstatic", "--noinput", "-v0", env=env)  # the manifest storage needs it
    out = manage(tmp_path, "shell", "-c", HEADERS_SCRIPT, env=env).stdout
    return json.loads(out.split("HEADERS=", 1)[1])


@pytest.mark.parametrize("https", [True, False], ids=["behind-tls", "plain-http"])
def test_security_headers(tmp_path, https):
    result = headers(tmp_path, https)
    secure = result["https"]
    assert secure["status"] == 200
    h = secure["headers"]
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "DENY"
    csp = dict(part.strip().split(" ", 1) for part in h["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and "unsafe" not in h["Content-Security-Policy"]
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    if https:
        # Behind TLS: HSTS on secure requests, plain HTTP redirected to HTTPS without HSTS.
        assert h["Strict-Transport-Security"].startswith("max-age=31536000")
        plain = result["http"]
        assert plain["status"] == 301 and plain["headers"]["Location"] == f"https://{HOST}/"
        assert "Strict-Transport-Security" not in plain["headers"]
    else:
        # Without TLS no HSTS at all, even if a client claims https.
        assert "Strict-Transport-Security" not in h
        assert result["http"]["status"] == 200
        assert "Strict-Transport-Security" not in result["http"]["headers"]


def test_in_process_responses_carry_the_headers(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response
