"""The registry API with real PostgreSQL: auth, roles, team scoping, validation."""

from __future__ import annotations

from tests.conftest import API


async def make_home(api: API, team_id: int, label: str = "Flat 3B") -> int:
    home = await api.ok("POST", "/homes", as_="technician", json={"team_id": team_id, "label": label})
    assert isinstance(home, dict)
    return int(home["id"])


async def test_health_needs_no_token_and_ready_reports_migrations(api: API) -> None:
    r = await api.request("GET", "/health", as_=None)
    assert r.status_code == 200
    r = await api.request("GET", "/ready", as_=None)
    assert r.status_code == 200
    assert r.json()["migrations"] >= 4


async def test_every_other_endpoint_needs_a_token(api: API) -> None:
    for path in ("/teams", "/homes", "/devices", "/residents", "/dead-letters", "/users", "/catalogue"):
        r = await api.request("GET", path, as_=None)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
    r = await api.client.get("/api/v1/teams", headers={"Authorization": "Bearer chub_not-a-real-token"})
    assert r.status_code == 401


async def test_wrong_role_gets_403(api: API) -> None:
    assert (await api.request("POST", "/teams", as_="operator", json={"name": "X"})).status_code == 403
    assert (await api.request("GET", "/dead-letters", as_="homecare")).status_code == 403
    assert (await api.request("GET", "/residents", as_="technician")).status_code == 403
    assert (await api.request("POST", "/homes", as_="homecare", json={"team_id": 1, "label": "x"})).status_code == 403


async def test_bad_requests_get_422_with_reason_never_500(api: API) -> None:
    r = await api.request("POST", "/homes", as_="technician", json={"team_id": "abc", "label": ""})
    assert r.status_code == 422
    assert "team_id" in r.text
    r = await api.request(
        "POST", "/homes", as_="technician", json={"team_id": 1, "label": "x", "timezone": "Mars/Base"}
    )
    assert r.status_code == 422
    assert "time zone" in r.text
    r = await api.request("GET", "/devices/99999999999999999999999", as_="technician")
    assert r.status_code == 422
    r = await api.request("GET", "/devices/9223372036854775807", as_="technician")
    assert r.status_code == 404
    r = await api.request("POST", "/devices", as_="technician", content=b"{not json")
    assert r.status_code == 422


async def test_register_move_and_retire_a_device(api: API) -> None:
    home = await make_home(api, api.tokens.team_id)
    other_home = await make_home(api, api.tokens.team_id, "Flat 4A")
    body = {"adapter": "native", "external_id": "mot-1", "kind": "motion", "home_id": home, "room": "kitchen"}
    device = await api.ok("POST", "/devices", as_="technician", json=body)
    assert isinstance(device, dict)
    assert device["status"] == "active"

    dup = await api.request("POST", "/devices", as_="technician", json=body)
    assert dup.status_code == 409
    assert "already exists" in dup.json()["detail"]

    moved = await api.ok("PATCH", f"/devices/{device['id']}", as_="technician", json={"home_id": other_home})
    assert isinstance(moved, dict)
    assert moved["home_id"] == other_home

    retired = await api.ok("DELETE", f"/devices/{device['id']}", as_="technician")
    assert isinstance(retired, dict)
    assert retired["status"] == "retired"
    again = await api.ok("POST", "/devices", as_="technician", json=body)  # identity free again after retirement
    assert isinstance(again, dict)
    assert again["id"] != device["id"]


async def test_device_registration_errors_say_what_is_wrong(api: API) -> None:
    home = await make_home(api, api.tokens.team_id)
    base = {"adapter": "native", "external_id": "x-1", "kind": "motion", "home_id": home}
    r = await api.request("POST", "/devices", as_="technician", json={**base, "kind": "teleporter"})
    assert r.status_code == 422
    assert "unknown device kind" in r.json()["detail"]
    r = await api.request("POST", "/devices", as_="technician", json={**base, "adapter": "x10"})
    assert r.status_code == 422
    assert "unknown adapter" in r.json()["detail"]
    r = await api.request("POST", "/devices", as_="technician", json={**base, "home_id": 424242})
    assert r.status_code == 404
    assert "home 424242" in r.json()["detail"]


async def test_homecare_sees_only_own_team(api: API) -> None:
    mine = await make_home(api, api.tokens.team_id, "Mine")
    theirs = await make_home(api, api.tokens.other_team_id, "Theirs")
    r1 = await api.ok("POST", "/residents", as_="admin", json={"home_id": mine, "display_name": "Kari"})
    r2 = await api.ok("POST", "/residents", as_="admin", json={"home_id": theirs, "display_name": "Per"})
    assert isinstance(r1, dict)
    assert isinstance(r2, dict)

    seen = await api.ok("GET", "/residents", as_="homecare")
    assert isinstance(seen, list)
    assert [r["display_name"] for r in seen] == ["Kari"]
    assert (await api.request("GET", f"/residents/{r2['id']}", as_="homecare")).status_code == 404
    assert (await api.request("GET", f"/homes/{theirs}", as_="homecare")).status_code == 404
    homes = await api.ok("GET", "/homes", as_="homecare")
    assert isinstance(homes, list)
    assert [h["id"] for h in homes] == [mine]
    # Operators serve every team.
    everyone = await api.ok("GET", "/residents", as_="operator")
    assert isinstance(everyone, list)
    assert len(everyone) == 2


async def test_reading_personal_data_is_audited(api: API, conn: object) -> None:
    home = await make_home(api, api.tokens.team_id)
    resident = await api.ok("POST", "/residents", as_="admin", json={"home_id": home, "display_name": "Kari"})
    assert isinstance(resident, dict)
    await api.ok("GET", f"/residents/{resident['id']}", as_="operator")
    from psycopg import AsyncConnection

    assert isinstance(conn, AsyncConnection)
    cur = await conn.execute(
        "SELECT u.name, a.action FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.resource = %s",
        (f"resident/{resident['id']}",),
    )
    assert ("olav", "read") in await cur.fetchall()


async def test_admin_creates_users_and_homecare_needs_a_team(api: API) -> None:
    r = await api.request("POST", "/users", as_="admin", json={"name": "nina", "role": "homecare"})
    assert r.status_code == 422
    assert "team_id" in r.json()["detail"]
    created = await api.ok(
        "POST", "/users", as_="admin", json={"name": "nina", "role": "homecare", "team_id": api.tokens.team_id}
    )
    assert isinstance(created, dict)
    r = await api.client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert r.json()["name"] == "nina"
    assert (
        await api.request("POST", "/users", as_="admin", json={"name": "nina", "role": "operator"})
    ).status_code == 409
