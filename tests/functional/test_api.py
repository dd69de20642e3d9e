def test_no_token_401_and_bad_token_401(client):
    assert client.get("/api/v1/cases").status_code == 401
    response = client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json["error"]["status"] == 401


def test_create_get_patch_and_conflicts(client, api_token, users):
    headers = api_token("registrar")
    body = {"reference": " 2021z20002 ", "kind": "written_questions", "subject": "Vragen over X", "received_on": "2021-11-12",
            "members": [{"name": "Podt", "party": "D66"}], "questions_text": "1. Een?\n2. Twee?"}
    created = client.post("/api/v1/cases", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["reference"] == "2021Z20002"
    assert created.json["members"] == [{"name": "Podt", "party": "D66"}]
    assert [q["number"] for q in created.json["questions"]] == [1, 2]
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 409
    got = client.get("/api/v1/cases/2021z20002", headers=headers)
    assert got.status_code == 200 and got.json["version"] == 1 and got.json["status"] == "registered"
    patched = client.patch("/api/v1/cases/2021Z20002", json={"version": 1, "subject": "Nieuw"}, headers=headers)
    assert patched.status_code == 200 and patched.json["subject"] == "Nieuw" and patched.json["version"] == 2
    stale = client.patch("/api/v1/cases/2021Z20002", json={"version": 1, "subject": "Oud"}, headers=headers)
    assert stale.status_code == 409
    assert client.get("/api/v1/cases/2021Z20002", headers=headers).json["subject"] == "Nieuw"
    assert client.get("/api/v1/cases/2021Z99999", headers=headers).status_code == 404


def test_invalid_input_422_with_field_errors(client, api_token, users):
    headers = api_token("registrar")
    response = client.post("/api/v1/cases", json={"reference": "2021Z1", "kind": "bogus", "received_on": "05-11-2021", "colour": "red"}, headers=headers)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert {"kind", "received_on", "subject", "colour"} <= set(errors)
    fit = client.post("/api/v1/cases", json={"reference": "2021Z1", "kind": "written_questions", "subject": "x", "received_on": "2021-11-05"}, headers=headers)
    assert fit.status_code == 422 and "reference" in fit.json["errors"]
    not_json = client.post("/api/v1/cases", data="nope", headers=headers)
    assert not_json.status_code == 400
    unknown_case = client.patch("/api/v1/cases/2021Z19601", json={"subject": "x"}, headers=headers)
    assert unknown_case.status_code == 404, "no seed here: the case is looked up before the body is read"


def test_patch_needs_the_version_read(client, api_token, seed_case):
    headers = api_token("registrar")
    for body in ({"subject": "x"}, {"subject": "x", "version": "1"}, {"subject": "x", "version": True}):
        response = client.patch("/api/v1/cases/2021Z19601", json=body, headers=headers)
        assert response.status_code == 422, body
        assert set(response.json["errors"]) == {"version"}
    assert client.get("/api/v1/cases/2021Z19601", headers=headers).json["subject"] != "x"


def test_list_search_and_filters(app, db, client, api_token, seed_case):
    from tests import factories

    with app.app_context():
        for _ in range(9):
            factories.case()
        db.session.commit()
    headers = api_token("viewer")
    result = client.get("/api/v1/cases?q=angstcultuur", headers=headers).json
    assert result["total"] == 2
    assert {c["reference"] for c in result["items"]} == {"2021Z19241", "2021Z19601"}
    only = client.get("/api/v1/cases?q=angstcultuur&kind=written_questions", headers=headers).json
    assert [c["reference"] for c in only["items"]] == ["2021Z19601"]
    page2 = client.get("/api/v1/cases?per_page=5&page=2", headers=headers).json
    assert len(page2["items"]) == 5 and page2["total"] > 10


def test_list_page_size_defaults_to_the_setting_and_is_capped(app, client, api_token, seed_case):
    headers = api_token("viewer")
    assert client.get("/api/v1/cases", headers=headers).json["per_page"] == app.config["CASES_PER_PAGE"]
    assert client.get("/api/v1/cases?per_page=0", headers=headers).json["per_page"] == app.config["CASES_PER_PAGE"]
    assert client.get("/api/v1/cases?per_page=x", headers=headers).json["per_page"] == app.config["CASES_PER_PAGE"]
    assert client.get("/api/v1/cases?per_page=9999", headers=headers).json["per_page"] == 500
    assert client.get("/api/v1/cases?per_page=-3", headers=headers).json["per_page"] == 1


def test_links_from_both_ends(client, api_token, seed_case):
    headers = api_token("drafter")
    one = client.get("/api/v1/cases/2021Z19241", headers=headers).json
    assert one["links"] == [{"reference": "2021Z19601", "type": "same_subject", "direction": "outgoing"}]
    created = client.post("/api/v1/cases", json={"reference": "2021Z20003", "kind": "other", "subject": "x", "received_on": "2021-11-20"}, headers=api_token("registrar"))
    assert created.status_code == 201
    linked = client.post("/api/v1/cases/2021Z20003/links", json={"reference": "2021Z19601", "type": "follow_up_of"}, headers=headers)
    assert linked.status_code == 201
    other = client.get("/api/v1/cases/2021Z19601", headers=headers).json
    assert {"reference": "2021Z20003", "type": "follow_up_of", "direction": "incoming"} in other["links"]
    assert client.post("/api/v1/cases/2021Z20003/links", json={"reference": "2021Z19601"}, headers=headers).status_code == 409
    assert client.post("/api/v1/cases/2021Z20003/links", json={"reference": "2021Z88888"}, headers=headers).status_code == 404
    assert client.post("/api/v1/cases/2021Z20003/links", json={"reference": "2021Z19601", "type": "x"}, headers=headers).status_code == 422
    removed = client.delete("/api/v1/cases/2021Z20003/links?reference=2021Z19601", headers=headers)
    assert removed.status_code == 200
    assert all(link["reference"] != "2021Z20003" for link in client.get("/api/v1/cases/2021Z19601", headers=headers).json["links"])
    assert client.delete("/api/v1/cases/2021Z20003/links?reference=2021Z19601", headers=headers).status_code == 404
    for missing in ("", "?reference=", "?reference=%20"):
        refused = client.delete(f"/api/v1/cases/2021Z20003/links{missing}", headers=headers)
        assert refused.status_code == 422 and refused.json["errors"] == {"reference": "Required."}


def test_role_without_right_gets_403(client, api_token, users):
    response = client.post("/api/v1/cases", json={}, headers=api_token("viewer"))
    assert response.status_code == 403
    assert "viewer" in response.json["error"]["message"]


def test_api_sets_no_session_cookie(client, api_token, users):
    response = client.get("/api/v1/cases", headers=api_token("viewer"))
    assert "session=" not in response.headers.get("Set-Cookie", "")


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert {"/cases", "/cases/{reference}", "/cases/{reference}/links"} <= set(doc["paths"])
    assert set(doc["paths"]["/cases/{reference}"]) == {"get", "patch"}
