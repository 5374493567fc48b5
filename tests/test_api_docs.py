"""Every page the project serves or writes works offline: no asset from another origin.

`/docs` (Swagger UI) and `/redoc` used to load their JavaScript, CSS, favicon and fonts from public
CDNs, which leaves a blank page on a machine without internet. These tests read each page, collect
every src/href attribute and the URLs in its inline scripts, and check that none points to another
origin and that every asset the app serves loads.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import build_api_db, make_app, readme_curl_commands

from abm.report import report_path

ATTR = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""", re.IGNORECASE)
ORIGIN = "http://testserver"


def foreign_urls(html: str, origin: str) -> list[str]:
    """Absolute URLs (http, https or protocol-relative) anywhere in the page, outside ``origin``.

    The SVG namespace is an identifier, never fetched, so it is the one allowed."""
    allowed = (origin, "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink")
    return [u for u in ABSOLUTE.findall(html) if not u.startswith(allowed)]


def test_pattern_finds_what_a_cdn_page_has():
    """The checks would catch FastAPI's default pages (CDN scripts, Google fonts, a remote favicon)."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

    cdn = get_swagger_ui_html(openapi_url="/openapi.json", title="t").body.decode()
    assert any("cdn.jsdelivr.net" in u for u in ATTR.findall(cdn))
    fonts = get_redoc_html(openapi_url="/openapi.json", title="t").body.decode()
    assert any("fonts.googleapis.com" in u for u in foreign_urls(fonts, ORIGIN))


@pytest.fixture(scope="module")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_api_db(tmp_path_factory.getbasetemp() / "api")[1]  # shared with test_api in one session


@pytest.fixture(scope="module")
def docs_client(api_db):
    with TestClient(make_app(api_db)) as c:
        yield c


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_everything_from_the_app(docs_client, page):
    response = docs_client.get(page)  # no key needed: the pages only describe the API
    assert response.status_code == 200
    html = response.text
    assert foreign_urls(html, ORIGIN) == []
    links = ATTR.findall(html)
    assert links, "the page references its script and favicon"
    for link in links:
        assert link.startswith("/"), link
        asset = docs_client.get(link)
        assert asset.status_code == 200, link
        assert len(asset.content) > 1000, link  # the real bundle, not an empty placeholder
    scripts = [link for link in links if link.endswith(".js")]
    assert len(scripts) == 1
    # the spec the page loads is the app's own
    assert "/openapi.json" in html and docs_client.get("/openapi.json").status_code == 200


def test_swagger_ui_online_validator_is_off(docs_client):
    """Swagger UI would otherwise put a badge image from validator.swagger.io on the page."""
    assert '"validatorUrl": null' in docs_client.get("/docs").text


def test_docs_follow_a_proxy_prefix(api_db):
    """Behind a reverse proxy serving the app under /abm, asset links keep the prefix."""
    with TestClient(make_app(api_db), root_path="/abm") as c:
        html = c.get("/docs").text
    assert '"/abm/docs-assets/swagger-ui-bundle.js"' in html.replace("'", '"')
    assert "/abm/openapi.json" in html


def test_run_report_has_no_external_url(api_db):
    """The HTML report `abm run` writes beside the database opens offline too."""
    report = report_path(api_db)
    assert report.exists(), report
    html = report.read_text(encoding="utf-8")
    assert "<svg" in html  # the charts are there, inline
    assert foreign_urls(html, ORIGIN) == []
    for link in ATTR.findall(html):
        assert link.startswith(("#", "data:")) or not Path(link).is_absolute(), link


def test_readme_curl_examples_urlencode_non_ascii():
    """Japanese (or any non-ASCII) query values go through -G --data-urlencode, never raw in the URL."""
    commands = readme_curl_commands()
    assert any("q=" in c for c in commands)
    for command in commands:
        words = shlex.split(command, comments=True)
        for i, word in enumerate(words):
            if not word.isascii():
                assert i > 0 and words[i - 1] == "--data-urlencode", command
                assert "-G" in words, command
