from tests.conftest import signed_in


def test_smoke(world):
    """smoke"""
    from kuroko.raid import services

    r = services.risk_create(
        actor=world.pm,
        project=world.project,
        data={"title": "Vendor late", "probability": 4, "impact_schedule": 5},
    )
    c = signed_in(world.pm)
    for url in [
        "/projects/ALPHA/risks/",
        f"/risks/{r.pk}/",
        "/raid/risks/",
        "/projects/ALPHA/risks/export/",
        "/projects/ALPHA/risks/import/",
        f"/risks/{r.pk}/row/edit/",
        f"/risks/{r.pk}/row/",
        "/projects/ALPHA/risks/?probability=4&impact=5",
    ]:
        resp = c.get(url)
        print(url, resp.status_code)
        assert resp.status_code == 200, resp.content[:3000]
    c = signed_in(world.admin)
    resp = c.get("/raid/matrix/")
    assert resp.status_code == 200, resp.content[:3000]
    for url in [
        "/api/v1/projects/ALPHA/risks",
        f"/api/v1/risks/{r.pk}",
        "/api/v1/raid/matrix",
        "/api/v1/raid/heat-map",
        "/api/v1/raid/top-risks",
        "/api/v1/raid/risk-trend",
        "/api/v1/raid/risks-due",
    ]:
        resp = c.get(url)
        print(url, resp.status_code, resp.content[:300])
        assert resp.status_code == 200
