"""The web app and JSON API (`marsad serve`): FastAPI routes over `marsad.service`, pages
rendered on the server with Jinja2 (right to left, Arabic interface, no JavaScript).

The web layer parses requests and formats results; every read is a service function, so no
SQL and no store internals live here.
"""

from marsad.web.app import create_app

__all__ = ["create_app"]
