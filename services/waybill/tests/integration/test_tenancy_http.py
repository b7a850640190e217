"""Sellers kept apart in the waybill's HTTP API (design.md § 7): the seller is the token's, a
request naming another is 404, another seller's parcel, account or export is 404 as a missing
one, lists and counts hold the seller's rows only; courier accounts, bands, settings and
templates are the owner's; who did it is the token's person."""

from packline_runtime.tokens import Role

from .conftest import SELLER, Waybills, allocated

OTHER = "s2"


async def _file_parcels(waybills: Waybills, n: int = 2) -> int:
    account = await waybills.account(courier_code="CJGLS", method="FILE")
    await waybills.make_default(account)
    for i in range(n):
        assert await waybills.allocate(allocated(i + 1)) == []  # FILE: awaiting a number
    return account


async def _decided_by(waybills: Waybills) -> list[tuple[str, str]]:
    rows = await waybills.pool.fetch(
        "SELECT action, decided_by FROM decisions ORDER BY decision_id"
    )
    return [(r["action"], r["decided_by"]) for r in rows]


async def test_a_parcel_of_another_seller_is_not_found_and_lists_hold_the_sellers_own(
    waybills: Waybills,
) -> None:
    [issued] = await waybills.allocate(allocated(1))  # the service band: issued at once
    other = waybills.person(OTHER, Role.VIEWER)
    http = waybills.http

    mine = await http.get(f"/waybills/{issued.tracking_number}")
    assert mine.status_code == 200, mine.text
    assert (await http.get(f"/waybills/{issued.tracking_number}", headers=other)).status_code == 404
    assert (await http.get(f"/parcels/{issued.parcel_id}")).status_code == 200
    assert (await http.get(f"/parcels/{issued.parcel_id}", headers=other)).status_code == 404
    assert [p["parcel_id"] for p in (await http.get("/waybills")).json()["items"]] == [
        str(issued.parcel_id)
    ]
    assert (await http.get("/waybills", headers=other)).json()["items"] == []
    naming = await http.get("/waybills", params={"seller_id": SELLER}, headers=other)
    assert naming.status_code == 404

    replace = {"seller_id": SELLER, "reason": "찢어짐"}
    operator = waybills.person(OTHER, Role.OPERATOR)
    path = f"/parcels/{issued.parcel_id}/replace-number"
    assert (await http.post(path, json=replace, headers=operator)).status_code == 404
    unnamed = await http.post(path, json={"reason": "찢어짐"}, headers=operator)
    assert unnamed.status_code == 404
    retry = await http.post("/bookings/retry", json={"seller_id": SELLER}, headers=operator)
    assert retry.status_code == 404
    labels = await http.post("/labels", json={"seller_id": SELLER}, headers=operator)
    assert labels.status_code == 404


async def test_stats_count_the_sellers_parcels_and_the_sre_counts_across_sellers(
    waybills: Waybills,
) -> None:
    await waybills.allocate(allocated(1), allocated(2))

    mine = (await waybills.http.get("/stats")).json()
    theirs = (await waybills.http.get("/stats", headers=waybills.person(OTHER))).json()
    sre = (await waybills.http.get("/stats", headers=waybills.person("-", Role.SRE))).json()

    assert (mine["issued"], mine["by_way"]) == (2, {"band": 2})
    assert (theirs["issued"], theirs["by_way"]) == (0, {})
    assert (sre["issued"], sre["by_way"]) == (2, {"band": 2})
    assert mine["tracking"]["delivered"] == 0 and theirs["tracking"]["picked_up"] == 0


async def test_courier_accounts_bands_settings_and_templates_are_the_owners(
    waybills: Waybills,
) -> None:
    account = await waybills.account(method="BAND", courier_code="HYUNDAI")
    operator = waybills.person(role=Role.OPERATOR)
    http = waybills.http
    body = {
        "courier_code": "CJGLS",
        "name": "operator's",
        "method": "FILE",
        "sender": {
            "name": "팩라인상사",
            "phone": "02-123-4567",
            "address": "서울 중구 세종대로 1",
            "postcode": "04524",
        },
    }
    assert (await http.post("/courier-accounts", json=body, headers=operator)).status_code == 403
    band = {"start": 41_000_000_000, "end": 41_000_000_009}
    bands = f"/courier-accounts/{account}/bands"
    assert (await http.post(bands, json=band, headers=operator)).status_code == 403
    disable = f"/courier-accounts/{account}/disable"
    assert (await http.post(disable, json={}, headers=operator)).status_code == 403
    settings = {"default_account_id": account}
    assert (await http.put("/waybill-settings", json=settings, headers=operator)).status_code == 403
    template = "/courier-templates/CJGLS"
    assert (await http.put(template, json={}, headers=operator)).status_code == 403

    listed = await http.get("/courier-accounts", headers=operator)
    assert [a["account_id"] for a in listed.json()["items"]] == [account]
    assert (await http.get(bands, headers=operator)).status_code == 200
    assert (await http.get("/waybill-settings", headers=operator)).json()["seller_id"] == SELLER
    assert (await http.get("/courier-templates", headers=operator)).status_code == 200
    other = waybills.person(OTHER)
    assert (await http.get("/courier-accounts", headers=other)).json()["items"] == []
    assert (await http.get(f"/courier-accounts/{account}", headers=other)).status_code == 404
    assert (await http.post(bands, json=band, headers=other)).status_code == 404

    owner = await http.post("/courier-accounts", json={**body, "by": "park"})
    assert owner.status_code == 201, owner.text
    assert owner.json()["seller_id"] == SELLER
    added = await http.post(bands, json=band)
    assert added.status_code == 201, added.text
    assert (await http.put("/waybill-settings", json=settings)).status_code == 200
    assert await _decided_by(waybills) == [
        ("courier_account.create", "kim"),
        ("courier_account.create", "kim"),  # the body named park: the token's person is kept
        ("courier_account.add_band", "kim"),
        ("waybill_settings.change", "kim"),
    ]


async def test_exports_are_the_sellers_and_made_by_the_tokens_person(waybills: Waybills) -> None:
    await _file_parcels(waybills)
    http = waybills.http
    operator = waybills.person(role=Role.OPERATOR, sub="lee")

    made = await http.post("/exports", json={"by": "somebody"}, headers=operator)

    assert made.status_code == 201, made.text
    export = made.json()
    assert (export["created_by"], export["parcels"]) == ("lee", 2)
    assert export["download"] == f"/exports/{export['id']}/file"
    assert (await http.get(export["download"], headers=operator)).status_code == 200
    other = waybills.person(OTHER)
    assert (await http.get(export["download"], headers=other)).status_code == 404
    assert (await http.get("/exports", headers=other)).json()["items"] == []
    assert [e["id"] for e in (await http.get("/exports")).json()["items"]] == [export["id"]]
    refused = await http.post("/exports", json={"seller_id": SELLER}, headers=other)
    assert refused.status_code == 404
    upload = await http.post("/imports", params={"filename": "x.csv"}, content=b"x", headers=other)
    assert upload.status_code == 409  # in the other seller's own world: no courier account
    naming = await http.post(
        "/imports", params={"seller_id": SELLER, "filename": "x.csv"}, content=b"x", headers=other
    )
    assert naming.status_code == 404


async def test_tracking_lists_are_the_sellers(waybills: Waybills) -> None:
    [issued] = await waybills.allocate(allocated(1))
    http = waybills.http
    other = waybills.person(OTHER)

    assert (await http.get("/tracking")).status_code == 200
    assert (await http.get("/tracking/overdue", headers=other)).json()["items"] == []
    naming = await http.get("/tracking", params={"seller_id": SELLER}, headers=other)
    assert naming.status_code == 404
    view = await http.get(f"/parcels/{issued.parcel_id}/tracking", headers=other)
    assert view.status_code == 404
