"""The API's pages for people: the OpenAPI viewer (Swagger UI at /schema and /schema/swagger)
and GraphiQL (api/graphql/http.py), both served with their scripts from /assets, the files
vendored in api/assets/ (versions and licences in api/assets/README.md): they work on a
machine without internet, and no page loads anything from another origin."""

from __future__ import annotations

from pathlib import Path

from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router

ASSETS = Path(__file__).with_name("assets")
ASSETS_PATH = "/assets"

assets_router = create_static_files_router(path=ASSETS_PATH, directories=[ASSETS], include_in_schema=False, name="assets",
                                           cache_control=None)

RENDER_PLUGINS = [
    SwaggerRenderPlugin(
        path=["/", "/swagger"],
        js_url=f"{ASSETS_PATH}/swagger-ui/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/swagger-ui/favicon-32x32.png'>",
    ),
    JsonRenderPlugin(),
    YamlRenderPlugin(),
]
