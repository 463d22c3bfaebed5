"""The public pages: no login, every table with a download, per-country pages, trends."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client

from tests.transparency.factories import demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> None:
    demand("US", "us.ecpa.warrant", "2020-07-01T00:00:00+00:00", produced=True)
    demand("US", "us.ecpa.warrant", "2020-03-01T00:00:00+00:00", produced=True)
    demand("HK", "hk.nsl43.sch4", "2020-08-01T00:00:00+00:00", status="on_hold",
           findings=["policy.jurisdiction_paused"])
    demand("BR", "generic.court_order", "2020-10-01T00:00:00+00:00",
           asks=("restrict_content",), accounts=0, content=2, authority_kind="court",
           territories=["BR"], actions=[("withhold", "succeeded")])


def test_the_report_page_is_public_and_structured(world: None, client: Client) -> None:
    r = client.get("/transparency/?period=2020-H2")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<h1") == 1
    assert '<html lang="en">' in html
    for title in ("User data requests", "Content and account restriction requests",
                  "Emergency disclosure requests", "Preservation requests",
                  "National security requests (in bands)", "Notices to affected users",
                  "Demands held or routed to MLAT by policy", "Trends over periods"):
        assert re.search(rf"<h2[^>]*>{re.escape(title)}</h2>", html), title
    # Charts are canvases described for screen readers, each with a table alternative.
    assert 'role="img"' in html and "<caption>" in html and 'scope="col"' in html
    assert "chart.umd.min.js" in html
    assert 'id="chart-data"' in html and 'id="trend-data"' in html


def test_every_table_has_its_downloads(world: None, client: Client) -> None:
    html = client.get("/transparency/?period=2020-H2").content.decode()
    links = set(re.findall(r'href="(/transparency/download/[^"]+)"', html))
    assert len(links) == 8 * 3 + 2
    for link in links:
        r = client.get(link)
        assert r.status_code == 200, link
        assert "attachment" in r["Content-Disposition"]
    text = client.get("/transparency/download/2020-H2/held_or_routed_by_policy.csv")
    rows = list(csv.DictReader(io.StringIO(text.content.decode())))
    assert rows[0]["CLDR Territory Code"] == "HK"
    assert rows[0]["Held by Policy"] == "1-9"  # small counts are banded in public
    assert rows[0]["Requests where some data produced"] == "0"


def test_only_closed_periods_are_public(world: None, client: Client,
                                        settings: Any) -> None:
    """Polling a report of today, a week or the running half-year would reveal demands
    (gagged ones too) as they arrive: the public sees ended half-years and years only."""
    from datetime import UTC, datetime, timedelta

    from dueprocess.transparency.periods import half_year_of

    today = datetime.now(UTC).date()
    running = half_year_of(today).label
    last = half_year_of(half_year_of(today).start - timedelta(days=1)).label
    for path in (f"/transparency/?period={today.isoformat()}/{today.isoformat()}",
                 f"/transparency/?period={running}",
                 f"/transparency/?period={today.year + 1}-H1",
                 f"/transparency/country/US/?period={running}",
                 f"/transparency/download/{running}/user_data_requests.csv",
                 f"/transparency/download/{today.isoformat()}_{today.isoformat()}/"
                 "user_data_requests.json",
                 "/transparency/download/2020-07-01_2020-07-31/user_data_requests.json",
                 "/transparency/download/2020-Q3/user_data_requests.json",
                 f"/transparency/download/{running}/dsa-member-state-orders.csv"):
        assert client.get(path).status_code == 404, path
    assert client.get("/transparency/?period=2020").status_code == 200
    assert client.get(f"/transparency/?period={last}").status_code == 200
    # The delay: a closed half-year stays private until the configured days have passed.
    settings.DUEPROCESS_PUBLIC_REPORT_DELAY_DAYS = (today - half_year_of(today).start).days + 1
    assert client.get(f"/transparency/?period={last}").status_code == 404
    assert client.get(f"/transparency/download/{last}/user_data_requests.csv"
                      ).status_code == 404
    assert client.get("/transparency/?period=2020-H2").status_code == 200
    # Staff read exact figures of any span through the API.


def test_small_counts_are_banded_in_public(db: Any, client: Client) -> None:
    for i in range(12):
        demand("US", "us.ecpa.warrant", f"2020-07-{1 + i:02d}T00:00:00+00:00", produced=True)
    for i in range(3):
        demand("FR", "generic.police_request", f"2020-08-{1 + i:02d}T00:00:00+00:00",
               produced=True)
    text = client.get("/transparency/download/2020-H2/user_data_requests.csv").content
    rows = {r["CLDR Territory Code"]: r for r in csv.DictReader(io.StringIO(text.decode()))}
    assert rows["US"]["User Data Requests"] == "12"
    assert rows["FR"]["User Data Requests"] == "1-9"
    assert rows["FR"]["Users/Accounts Specified"] == "1-9"
    assert rows["FR"]["Percentage of requests where some data produced"] == ""
    assert rows["US"]["Percentage of requests where some data produced"] not in ("", "1-9")
    html = client.get("/transparency/?period=2020-H2").content.decode()
    assert "<td>1-9</td>" in html


def test_trends_cover_every_half_year_with_data(world: None, client: Client) -> None:
    html = client.get("/transparency/").content.decode()
    assert re.search(r"<th scope=\"row\">2020-H1</th>\s*<td>1-9</td>", html)
    assert re.search(r"<th scope=\"row\">2020-H2</th>\s*<td>1-9</td>", html)


def test_country_pages(world: None, client: Client) -> None:
    r = client.get("/transparency/country/HK/?period=2020-H2")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<h1>Hong Kong SAR China: government demands</h1>" in html
    assert "United States" not in html.split("<main", 1)[1]
    assert client.get("/transparency/country/hk/?period=2020-H2").status_code == 200


@pytest.mark.parametrize("path", [
    "/transparency/country/XX/", "/transparency/country/ZZZ/", "/transparency/?period=2020-H7",
    "/transparency/download/2020-H7/user_data_requests.csv",
    "/transparency/download/2020-H2/secrets.csv",
    "/transparency/download/2020-H2/dsa-member-state-orders.json",
    "/transparency/published/999/",
])
def test_bad_addresses_are_404(world: None, client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_an_empty_database_still_renders(client: Client) -> None:
    r = client.get("/transparency/")
    assert r.status_code == 200
    assert "None in this period." in r.content.decode()


def test_every_closed_half_year_with_data_is_in_the_selector(db: Any, client: Client) -> None:
    """However many half-years came since, the oldest story stays one choice away; the
    trend shows up to twelve half-years that include the one reported."""
    demand("HK", "hk.nsl43.sch4", "2014-09-01T00:00:00+00:00")
    demand("US", "us.ecpa.warrant", "2020-08-01T00:00:00+00:00")
    html = client.get("/transparency/").content.decode()
    selector = html.split('<select id="period"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]+)"', selector)
    assert options[0] == "2014-H2" and "2020-H2" in options and len(options) > 12
    assert options == sorted(options)
    old = client.get("/transparency/?period=2014-H2").content.decode()
    rows = re.findall(r'<th scope="row">(\d{4}-H\d)</th>', old)
    assert rows[0] == "2014-H2" and len(rows) == 12
    recent = client.get("/transparency/?period=2020-H2").content.decode()
    assert re.findall(r'<th scope="row">(\d{4}-H\d)</th>', recent)[-1] == "2020-H2"
