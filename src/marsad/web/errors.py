"""One error shape for every error the web app answers, JSON under /api/ and a page elsewhere:

    {"error": {"status": 404, "code": "not_found", "message": "…", "details": […]}}

`details` lists what a request got wrong (422: each field and why). A page shows the same
message in Arabic around it. An unexpected failure says only that it happened (the log has the
traceback), never its internals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

log = logging.getLogger("marsad.web")


@dataclass
class WebError(Exception):
    """An error the web app answers with, wherever it was raised."""

    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "status": self.status,
                "code": self.code,
                "message": self.message,
                "details": self.details,
            }
        }


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorBody(BaseModel):
    """What every error answers (the OpenAPI schema documents it)."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in [
        (400, "a malformed query or request"),
        (404, "not found"),
        (413, "the request is too large"),
        (422, "a parameter out of its bounds"),
        (503, "the search index must be rebuilt (`marsad reindex`)"),
    ]
}

# what each code says on a page, in Arabic (the API's messages stay as the service words them)
ARABIC = {
    "not_found": "الصفحة أو المادة المطلوبة غير موجودة.",
    "bad_query": "تعذر فهم عبارة البحث.",
    "invalid_request": "في الطلب قيمة غير مقبولة.",
    "too_large": "الطلب أكبر من المسموح.",
    "index_not_ready": "فهرس البحث غير جاهز: شغّل marsad reindex.",
    "busy": "الأرشيف مشغول بعملية إدخال أخرى، حاول بعد قليل.",
    "method_not_allowed": "طريقة الطلب غير مسموحة هنا.",
    "unauthorized": "يلزم رمز دخول صحيح.",
    "ingest_off": "الإدخال عبر الويب غير مفعّل.",
    "internal": "حدث خطأ غير متوقع في الخادم.",
}
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 401: "unauthorized"}


def validation_error(errors: list[Any]) -> WebError:
    """FastAPI's validation errors as ours: each field (where.name) and what is wrong with it."""
    details = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        details.append({"field": where, "message": str(error.get("msg", "invalid"))})
    shown = "; ".join(f"{d['field']}: {d['message']}" for d in details[:3])
    return WebError(422, "invalid_request", f"invalid request ({shown})", details)
