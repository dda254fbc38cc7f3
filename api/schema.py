"""Every operation of the OpenAPI document also answers with RFC 9457 problems."""

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details, in the language of Accept-Language.",
    "properties": {
        "type": {"type": "string", "example": "urn:duediligence:problem:not_found"},
        "title": {"type": "string", "example": "Not found"},
        "status": {"type": "integer", "example": 404},
        "detail": {"example": "見つかりません。"},
        "instance": {"type": "string", "example": "/api/v1/vendors/999/"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}
ERRORS = {
    "400": "The request is not valid (see errors).",
    "401": "No token, or an unknown, revoked or expired one.",
    "403": "The token's owner may see this but not do that, or the token is read-only.",
    "404": "Not found, or not visible to the token's owner.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Conflict: a newer revision, or a workflow step not possible now.",
    "415": "Send JSON.",
    "429": "Too many requests for this token; see Retry-After.",
}


def add_problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    ref = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, text in ERRORS.items():
                if code == "415" and method == "get":
                    continue
                response = responses.setdefault(code, {"description": text})
                response["content"] = {"application/problem+json": {"schema": ref}}
    return result
